// Runs one step command through execa, streaming each line as it arrives. The command leads its
// own process group, so a timeout or an abort ends everything it started, grandchildren included.
import { execa } from 'execa';
import { commandText, shellQuote, type Command } from '../runbook/template.js';
import { CAPTURE_LIMIT_BYTES, KILL_GRACE_MS } from '../limits.js';

export type Stream = 'stdout' | 'stderr';

export interface ExecRequest {
  command: Command;
  /** The step and engine effect the command belongs to, for runners that keep files per command. */
  stepId?: string;
  effectId?: number;
  /** ssh destination; when set the command runs there. */
  ssh?: string;
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
  durationMs: number;
}

/** The argv that runs a command locally or, through ssh, on the target. */
export function argvFor(command: Command, ssh?: string): string[] {
  if (!ssh) return 'shell' in command ? ['/bin/sh', '-c', command.shell] : command.argv;
  // The remote side always gets one string for its shell; an argv is quoted word by word.
  const remote = 'shell' in command ? command.shell : command.argv.map(shellQuote).join(' ');
  return ['ssh', '-o', 'BatchMode=yes', '--', ssh, remote];
}

export function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export async function runCommand(request: ExecRequest): Promise<ExecResult> {
  const started = Date.now();
  const [file, ...args] = argvFor(request.command, request.ssh);
  let captured = '';
  let capturedBytes = 0;
  const lineSink = (stream: Stream) =>
    function* (line: unknown) {
      const text = String(line);
      request.onLine(stream, text);
      if (stream === 'stdout' && request.capture && capturedBytes < CAPTURE_LIMIT_BYTES) {
        captured += (captured ? '\n' : '') + text;
        capturedBytes += text.length + 1;
      }
    };

  const subprocess = execa(file, args, {
    detached: true,
    stdin: 'ignore',
    stdout: lineSink('stdout'),
    stderr: lineSink('stderr'),
    buffer: false,
    reject: false,
    env: request.env,
  });

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    killTree(subprocess.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killTree(subprocess.pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  const timer = request.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, request.timeoutMs)
    : undefined;
  const onAbort = () => {
    aborted = true;
    stop();
  };
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const result = await subprocess;
    const failedToStart = result.failed && result.exitCode === undefined && !result.signal && !timedOut && !aborted;
    // Anything the command left behind in its group goes with it.
    if (timedOut || aborted) killTree(subprocess.pid, 'SIGKILL');
    return {
      exitCode: result.exitCode ?? null,
      timedOut,
      aborted,
      stdout: request.capture ? captured : undefined,
      error: failedToStart ? cannotRun(commandText(request.command), result.message ?? "") : undefined,
      durationMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

function cannotRun(command: string, message: string): string {
  const reason = /ENOENT/.test(message) ? 'command not found' : message.split('\n')[0];
  return `cannot run ${command}: ${reason}`;
}
