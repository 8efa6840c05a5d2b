// Runs one step command through execa, streaming each line as it arrives. The command leads its
// own process group, so a timeout or an abort ends everything it started, grandchildren included.
import { execa } from 'execa';
import { commandText, shellQuote, type Command } from '../runbook/template.js';
import { CAPTURE_LIMIT_BYTES, KILL_GRACE_MS } from '../limits.js';
import type { RemoteSession, SshTransport } from './ssh-transport.js';

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

/** The remote side always gets one string for its shell; an argv is quoted word by word. */
export function remoteText(command: Command): string {
  return 'shell' in command ? command.shell : command.argv.map(shellQuote).join(' ');
}

/** The argv that runs a command locally or, through ssh, on the target. */
export function argvFor(command: Command, ssh?: string): string[] {
  if (!ssh) return 'shell' in command ? ['/bin/sh', '-c', command.shell] : command.argv;
  return ['ssh', '-o', 'BatchMode=yes', '--', ssh, remoteText(command)];
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
  let remote: RemoteSession | undefined;
  if (request.ssh && request.transport) {
    await request.transport.connect();
    remote = request.transport.session(remoteText(request.command));
  }
  const [file, ...args] = remote ? remote.argv : argvFor(request.command, request.ssh);
  let captured = '';
  let capturedBytes = 0;
  let lastStderr = '';
  const lineSink = (stream: Stream) =>
    function* (line: unknown) {
      const shown = stream === 'stderr' && remote ? remote.filter(String(line)) : String(line);
      if (shown === undefined) return;
      const text = shown;
      if (stream === 'stderr') lastStderr = text;
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
  let remoteKill: Promise<void> | undefined;
  const stop = () => {
    // The remote process group first, while the connection is still there to carry the signal.
    if (remote?.pgid && request.transport && !remoteKill) {
      const { pgid } = remote;
      const transport = request.transport;
      remoteKill = transport
        .killRemote(pgid, 'TERM')
        .then(() => new Promise<void>((resolve) => setTimeout(resolve, Math.min(KILL_GRACE_MS, 500))))
        .then(() => transport.killRemote(pgid, 'KILL'));
    }
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
    await remoteKill;
    const lost = Boolean(remote && !timedOut && !aborted && remote.connectionFailed(result.exitCode, lastStderr));
    return {
      exitCode: lost ? null : remote ? remote.commandExit(result.exitCode) : (result.exitCode ?? null),
      timedOut,
      aborted,
      stdout: request.capture ? captured : undefined,
      error: lost
        ? connectionError(request.ssh ?? '', remote?.pgid !== undefined, lastStderr)
        : failedToStart
          ? cannotRun(commandText(request.command), result.message ?? '')
          : undefined,
      connectionLost: lost || undefined,
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

/** A lost connection is named as such, never as "exit code 255". */
export function connectionError(destination: string, wasConnected: boolean, stderr: string): string {
  const host = destination.replace(/^.*@/, '');
  const detail = stderr.trim() ? ` (${stderr.trim()})` : '';
  return wasConnected ? `lost the ssh connection to ${host}${detail}` : `cannot connect to ${host} over ssh${detail}`;
}
