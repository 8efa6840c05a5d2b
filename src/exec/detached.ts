// Runs a step command through a detached supervisor (src/exec/supervisor.ts) and follows its
// output file, so the command survives patchwalk: a dropped SSH session or a crash leaves it
// running, and a later `patchwalk resume` re-attaches to it or picks up its exit status.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CAPTURE_LIMIT_BYTES, FOLLOW_MAX_BLOCKS, FOLLOW_POLL_MS, KILL_GRACE_MS, SUPERVISOR_START_GRACE_MS } from '../limits.js';
import { commandText, type Command } from '../runbook/template.js';
import { decodeLine, LINE_CONTINUES, LineSplitter, RECORD_MAX_CHARS } from './output-file.js';
import { envProblem, type ExecRequest, type ExecResult, type Stream } from './exec-request.js';
import { connectionError, remoteText, withoutWrapperMarker, type RemoteSession } from './ssh-transport.js';
import { pidAlive } from './pid-alive.js';
import type { CommandStatus, PidRecord, SupervisorSpec } from './supervisor-spec.js';

export interface DetachedFiles {
  outFile: string;
  statusFile: string;
  pidFile: string;
}

export interface DetachedRequest extends ExecRequest {
  files: DetachedFiles;
  /** Values masked in the output file. */
  secrets?: string[];
  mask?: string;
  /** Follow a command that a supervisor already runs, from its first line, instead of starting it. */
  attach?: boolean;
}

export interface DetachedResult extends ExecResult {
  /** Why the outcome cannot be known (the supervisor died without writing a status). */
  lost?: string;
}

/** Where a command stands, judged from its files and its supervisor's pid. */
export type Standing = 'finished' | 'running' | 'lost' | 'not-started';

/** The argv that runs a command locally or, without the run's transport, through a one-off ssh. */
export function argvFor(command: Command, ssh?: string): string[] {
  if (!ssh) return 'shell' in command ? ['/bin/sh', '-c', command.shell] : command.argv;
  return ['ssh', '-o', 'BatchMode=yes', '--', ssh, remoteText(command)];
}

/** Signals a process group: the command leads its own, so grandchildren go too. */
export function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function supervisorPath(): string {
  const beside = new URL('./supervisor.js', import.meta.url);
  // Tests import the TypeScript sources; the supervisor always runs from the build.
  return fileURLToPath(existsSync(beside) ? beside : new URL('../../dist/exec/supervisor.js', import.meta.url));
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const readStatus = (files: DetachedFiles) => readJson<CommandStatus>(files.statusFile);
export const readPids = (files: DetachedFiles) => readJson<PidRecord>(files.pidFile);

/** Alive, not a zombie, and (where /proc tells) still a patchwalk supervisor rather than a reused pid. */
export function supervisorAlive(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('supervisor');
  } catch {
    return true;
  }
}

export function standing(files: DetachedFiles): Standing {
  if (readStatus(files)) return 'finished';
  const pids = readPids(files);
  if (!pids || pids.cancelled) return 'not-started';
  if (supervisorAlive(pids.supervisor)) return 'running';
  return readStatus(files) ? 'finished' : 'lost';
}

/**
 * For a command that was recorded as starting but left no pid file: waits for a slow supervisor,
 * then claims the pid file so that one can never start the command late. True when the command
 * certainly never ran.
 */
export async function claimNotStarted(files: DetachedFiles, graceMs = SUPERVISOR_START_GRACE_MS): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (existsSync(files.pidFile)) return readPids(files)?.cancelled === true;
    await sleep(FOLLOW_POLL_MS);
  }
  try {
    writeFileSync(files.pidFile, JSON.stringify({ supervisor: 0, cancelled: true } satisfies PidRecord), { flag: 'wx', mode: 0o600 });
    return true;
  } catch {
    return readPids(files)?.cancelled === true;
  }
}

export async function runDetached(request: DetachedRequest): Promise<DetachedResult> {
  const started = Date.now();
  const { files } = request;
  // An on: host command goes over the run's multiplexed connection, under the remote wrapper that
  // reports the remote process group and exit code, so a timeout or abort can end it there too.
  // Attached to later, the session that knew its markers is gone.
  let remote: RemoteSession | undefined;
  if (!request.attach) {
    // The command's environment (its env: and the secrets it refers to) travels only through the
    // supervisor's stdin and, over ssh, the session's stdin: never an argv or the supervisor's env.
    const env = { ...request.env, ...request.command.env };
    const problem = envProblem(env);
    const cannot = (why: string): DetachedResult => ({ exitCode: null, timedOut: false, aborted: false, error: `cannot run ${commandText(request.command)}: ${why}`, durationMs: 0 });
    if (problem) return cannot(problem);
    const hasEnv = Object.keys(env).length > 0;
    if (request.ssh && request.transport) {
      await request.transport.connect();
      try {
        remote = request.transport.session(remoteText(request.command), { env });
      } catch (error) {
        return cannot((error as Error).message);
      }
    } else if (request.ssh && hasEnv) {
      return cannot('environment values (env: or secrets) need the run\'s ssh connection');
    }
    const spec: SupervisorSpec = {
      argv: remote?.argv ?? argvFor(request.command, request.ssh),
      env: remote || !hasEnv ? undefined : env,
      stdin: remote?.stdin,
      outFile: files.outFile,
      statusFile: files.statusFile,
      pidFile: files.pidFile,
      timeoutMs: request.timeoutMs,
      secrets: request.secrets ?? [],
      mask: request.mask ?? '********',
      display: commandText(request.command),
    };
    const child = spawn(process.execPath, [supervisorPath()], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    child.stdin?.end(JSON.stringify(spec));
    child.unref();
  }
  return follow(request, remote, started);
}

async function follow(request: DetachedRequest, remote: RemoteSession | undefined, started: number): Promise<DetachedResult> {
  const { files } = request;
  const decoder = new StringDecoder('utf8');
  // Records from a supervisor are at most RECORD_MAX_CHARS long; a longer one (a file written by an
  // older supervisor) is split here too, so following it never holds a whole endless line.
  const splitter = new LineSplitter(RECORD_MAX_CHARS);
  const buffer = Buffer.alloc(64 * 1024);
  let offset = 0;
  let captured = '';
  let capturedBytes = 0;

  let lastStderr = '';
  /** The stream of a record split here, whose next piece has no prefix of its own. */
  let splitStream: Stream | undefined;
  /** The last captured line was a piece: the next one joins it without a newline. */
  let captureJoins = false;
  const emit = (raw: string, split: boolean) => {
    const decoded = splitStream ? { stream: splitStream, line: raw } : decodeLine(raw);
    splitStream = split ? decoded.stream : undefined;
    const { stream } = decoded;
    // The remote wrapper's own report (process group, exit code) is not output.
    let line = stream !== 'stderr' ? decoded.line : remote ? remote.filter(decoded.line) : withoutWrapperMarker(decoded.line);
    if (line === undefined) return;
    if (split) line += LINE_CONTINUES;
    if (stream === 'stderr') lastStderr = line;
    request.onLine(stream, line);
    if (stream === 'stdout' && request.capture && capturedBytes < CAPTURE_LIMIT_BYTES) {
      const continues = line.endsWith(LINE_CONTINUES);
      const text = continues ? line.slice(0, -LINE_CONTINUES.length) : line;
      captured += (captured && !captureJoins ? '\n' : '') + text;
      capturedBytes += text.length + 1;
      captureJoins = continues;
    }
  };
  /** Reads what is new, at most FOLLOW_MAX_BLOCKS blocks at a time; true if more is waiting. */
  const readNew = (): boolean => {
    if (!existsSync(files.outFile)) return false;
    const fd = openSync(files.outFile, 'r');
    try {
      for (let blocks = 0; blocks < FOLLOW_MAX_BLOCKS; blocks++) {
        const count = readSync(fd, buffer, 0, buffer.length, offset);
        if (count === 0) return false;
        offset += count;
        splitter.push(decoder.write(buffer.subarray(0, count)), emit);
      }
      return true;
    } finally {
      closeSync(fd);
    }
  };
  const readAll = async () => {
    // A flood is read in slices with the event loop let through between them: keys stay live.
    while (readNew()) await new Promise((resolve) => setImmediate(resolve));
  };
  const result = (fields: Partial<DetachedResult>): DetachedResult => ({
    exitCode: null,
    timedOut: false,
    aborted: false,
    stdout: request.capture ? captured : undefined,
    durationMs: Date.now() - started,
    ...fields,
  });

  let remoteKill: Promise<void> | undefined;
  /** Ends the command's process group on the host too: killing the local ssh client does not. */
  const killRemote = () => {
    const pgid = remote?.pgid;
    const transport = request.transport;
    if (!pgid || !transport) return Promise.resolve();
    remoteKill ??= transport
      .killRemote(pgid, 'TERM')
      .then(() => sleep(Math.min(KILL_GRACE_MS, 500)))
      .then(() => transport.killRemote(pgid, 'KILL'))
      .catch(() => {});
    return remoteKill;
  };

  let abortDeadline: number | undefined;
  const onAbort = () => {
    abortDeadline = Date.now() + KILL_GRACE_MS + 1000;
    void killRemote();
    const pids = readPids(files);
    // The supervisor stops the command's group and records the abort; the direct kills make sure.
    killTree(pids?.supervisor || undefined, 'SIGTERM');
    killTree(pids?.command, 'SIGTERM');
    setTimeout(() => {
      // Read again: the command may have started after the first look.
      const later = readPids(files) ?? pids;
      killTree(later?.supervisor || undefined, 'SIGKILL');
      killTree(later?.command, 'SIGKILL');
    }, KILL_GRACE_MS).unref();
  };
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (;;) {
      await readAll();
      const status = readStatus(files);
      if (status) {
        await readAll();
        splitter.flush(emit);
        const aborted = status.aborted || abortDeadline !== undefined;
        if (status.timedOut || aborted) await killRemote();
        const lost = Boolean(remote && !status.timedOut && !aborted && remote.connectionFailed(status.exitCode, lastStderr));
        return result({
          exitCode: lost ? null : remote ? remote.commandExit(status.exitCode) : status.exitCode,
          timedOut: status.timedOut,
          aborted,
          error: lost ? connectionError(request.ssh ?? '', remote?.pgid !== undefined, lastStderr) : status.error,
          connectionLost: lost || undefined,
          durationMs: status.endedAt - status.startedAt,
        });
      }
      if (abortDeadline !== undefined) {
        if (Date.now() > abortDeadline) return result({ aborted: true });
      } else {
        const pids = readPids(files);
        if (!pids) {
          if (Date.now() - started > SUPERVISOR_START_GRACE_MS && (await claimNotStarted(files, 0))) {
            return result({ error: `cannot run ${commandText(request.command)}: its supervisor did not start` });
          }
        } else if (pids.cancelled) {
          return result({ error: `cannot run ${commandText(request.command)}: it was cancelled before it started` });
        } else if (!supervisorAlive(pids.supervisor) && !readStatus(files)) {
          const lost = 'its supervisor ended without recording an exit status';
          return result({ lost, error: `outcome unknown: ${lost}` });
        }
      }
      await sleep(FOLLOW_POLL_MS);
    }
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
  }
}
