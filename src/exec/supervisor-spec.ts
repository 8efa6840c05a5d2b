// What patchwalk and a step's supervisor (src/exec/supervisor.ts) tell each other, and the
// write-then-rename they both use so a reader never sees half a file.
export { writeFileDurably } from '../journal/durable-file.js';

/** Read by the supervisor from its stdin (never its argv or environment: it holds secrets). */
export interface SupervisorSpec {
  argv: string[];
  /** Set in the command's own environment, not the supervisor's. */
  env?: Record<string, string>;
  /** Written to the command's stdin, which is then closed (the remote wrapper's environment). */
  stdin?: string;
  outFile: string;
  statusFile: string;
  pidFile: string;
  timeoutMs?: number;
  /** Values masked in the output file. */
  secrets: string[];
  mask: string;
  /** How the command reads in messages: "cannot run <display>". */
  display: string;
}

export interface CommandStatus {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface PidRecord {
  supervisor: number;
  command?: number;
  /** Written by resume to stop a supervisor that never got going from starting the command late. */
  cancelled?: boolean;
}


