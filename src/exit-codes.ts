// The exit codes are part of the CLI contract; scripts and CI depend on them.
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  noInput: 3,
  interrupted: 130,
} as const;

/** Bad arguments or a bad runbook: the message is shown as it is and the exit code is 2. */
export class UsageError extends Error {}

/**
 * A failure whose cause is known and outside patchwalk (a full disk, a state dir other users can
 * write to): the message names the cause and is shown as it is, and the exit code is 1. Anything
 * else that escapes a command is a bug and is reported as an internal error.
 */
export class KnownCauseError extends Error {}
