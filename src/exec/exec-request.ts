// What a step command asks of a runner, and what the runner reports back.
import type { Command } from '../runbook/template.js';
import type { SshTransport } from './ssh-transport.js';

export type Stream = 'stdout' | 'stderr';

export interface ExecRequest {
  command: Command;
  /** The step and engine effect the command belongs to, for runners that keep files per command. */
  stepId?: string;
  effectId?: number;
  /** ssh destination; when set the command runs there. */
  ssh?: string;
  /** The run's multiplexed connection to `ssh`; without it a plain one-off ssh is used. */
  transport?: SshTransport;
  timeoutMs?: number;
  capture?: boolean;
  env?: Record<string, string>;
  signal?: AbortSignal;
  onLine: (stream: Stream, line: string) => void;
}

export interface ExecResult {
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** Captured stdout, when asked for. */
  stdout?: string;
  /** Why the command could not run at all. */
  error?: string;
  /** ssh could not connect, or the connection dropped: the command's own outcome is unknown. */
  connectionLost?: boolean;
  durationMs: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why an environment cannot be handed to a command, or undefined when it can. */
export function envProblem(env: Record<string, string>): string | undefined {
  const bad = Object.keys(env).find((name) => !ENV_NAME.test(name));
  return bad === undefined ? undefined : `env: "${bad}" is not a valid environment variable name`;
}
