// The supervisor: runs one step command detached from patchwalk and its terminal, so the command
// outlives a dropped SSH session or a crash. patchwalk spawns it in a session of its own with stdio
// ignored; it starts the command in a process group of its own, appends every output line to the
// step's output file, and writes the exit status to the status file when the command ends.
//
// Its spec comes on its stdin, never in its argv or environment, which other users can read in
// `ps` or keep in /proc/PID/environ: the spec holds the command's secret environment.
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { KILL_GRACE_MS, OUTPUT_DRAIN_MS, OUTPUT_FLUSH_BYTES, OUTPUT_LINE_MAX_CHARS } from '../limits.js';
import { cutOutsideSecrets, encodeLine, LINE_CONTINUES, LineSplitter, maskText } from './output-file.js';
import type { Stream } from './exec-request.js';
import { writeFileDurably, type CommandStatus, type PidRecord, type SupervisorSpec } from './supervisor-spec.js';
import { fileModeIn, fixFileMode, SHARED_FILE_MODE, setSharedState, setStateRoot, writing } from '../journal/state-io.js';
import { dirname } from 'node:path';
import { stateDir } from '../journal/state-dir.js';

function cannotRun(display: string, error: NodeJS.ErrnoException): string {
  return `cannot run ${display}: ${error.code === 'ENOENT' ? 'command not found' : error.message.split('\n')[0]}`;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function supervise(spec: SupervisorSpec): void {
  // Handlers first: an abort may arrive before the command has even started.
  let aborted = false;
  let stopCommand: (() => void) | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      aborted = true;
      stopCommand?.();
    });
  }
  // The claim: whoever creates the pid file first owns the command. A resume that finds no pid
  // file writes a cancelled one, and a late supervisor then leaves without starting anything.
  // In a group-shared state dir (a setgid run folder) the output is the group's to read too.
  const mode = fileModeIn(dirname(spec.outFile));
  setSharedState(mode === SHARED_FILE_MODE);
  let claim: number;
  try {
    claim = openSync(spec.pidFile, 'wx', mode);
    fixFileMode(claim, mode);
  } catch {
    process.exit(0);
  }
  writeSync(claim, JSON.stringify({ supervisor: process.pid } satisfies PidRecord));
  fsyncSync(claim);
  closeSync(claim);

  const out = openSync(spec.outFile, 'a', mode);
  fixFileMode(out, mode);
  const startedAt = Date.now();
  let timedOut = false;
  let finished = false;
  let killTimer: NodeJS.Timeout | undefined;

  const [file, ...args] = spec.argv;
  if (file === undefined) throw new Error('the supervisor was given no command');
  const child = spawn(file, args, {
    detached: true,
    stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env },
  });
  if (spec.stdin !== undefined) {
    child.stdin?.on('error', () => {});
    child.stdin?.end(spec.stdin);
  }
  if (child.pid) writeFileDurably(spec.pidFile, JSON.stringify({ supervisor: process.pid, command: child.pid } satisfies PidRecord));

  // Lines are written in batches: at OUTPUT_FLUSH_BYTES, or once the output waiting in the pipes
  // has been read (the next turn of the event loop), so a flood costs one write per batch and a
  // trickle still reaches the file, and the follower, at once.
  const pending: string[] = [];
  let pendingChars = 0;
  let flushQueued = false;
  // A full disk must not kill the supervisor: the command goes on, and its status names the cause.
  let outputError: string | undefined;
  const flush = () => {
    flushQueued = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending.length = 0;
    pendingChars = 0;
    if (outputError) return;
    try {
      writing(spec.outFile, () => writeSync(out, text));
    } catch (error) {
      outputError = `${(error as Error).message}; the output after that was lost`;
    }
  };
  const writers = (stream: Stream) => (line: string, continues: boolean) => {
    const masked = maskText(line, spec.secrets, spec.mask);
    const record = encodeLine(stream, continues ? masked + LINE_CONTINUES : masked);
    pending.push(record);
    pendingChars += record.length;
    if (pendingChars >= OUTPUT_FLUSH_BYTES) flush();
    else if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  };
  const write = { stdout: writers('stdout'), stderr: writers('stderr') };
  // A piece of a long line never ends inside a secret: masking works piece by piece.
  const lookahead = Math.max(0, ...spec.secrets.map((secret) => secret.length));
  const splitter = () => new LineSplitter(OUTPUT_LINE_MAX_CHARS, cutOutsideSecrets(spec.secrets), lookahead);
  const splitters = { stdout: splitter(), stderr: splitter() };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => splitters[stream].push(chunk, write[stream]));
  }

  const stop = () => {
    killGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  stopCommand = stop;
  const timer = spec.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, spec.timeoutMs)
    : undefined;
  if (aborted) stop();

  const finish = (status: Omit<CommandStatus, 'startedAt' | 'endedAt' | 'timedOut' | 'aborted'>) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(killTimer);
    for (const stream of ['stdout', 'stderr'] as const) splitters[stream].flush(write[stream]);
    flush();
    // Anything the command left behind in its group goes with it when it was stopped.
    if (timedOut || aborted) killGroup(child.pid, 'SIGKILL');
    try {
      fsyncSync(out);
    } catch (error) {
      outputError ??= `${(error as Error).message}; the output may be incomplete`;
    }
    closeSync(out);
    const error = status.error ?? outputError;
    writeFileDurably(spec.statusFile, JSON.stringify({ ...status, ...(error ? { error } : {}), timedOut, aborted, startedAt, endedAt: Date.now() } satisfies CommandStatus));
    process.exit(0);
  };

  child.on('error', (error) => finish({ exitCode: null, signal: null, error: cannotRun(spec.display, error) }));
  child.on('exit', (code, signal) => {
    const status = { exitCode: code, signal: signal ?? null };
    // Wait for the pipes to drain, but not for a background process that keeps them open.
    const drain = setTimeout(() => finish(status), OUTPUT_DRAIN_MS);
    child.on('close', () => {
      clearTimeout(drain);
      finish(status);
    });
  });
}

// No terminal to lose: a hangup is not the supervisor's business.
process.on('SIGHUP', () => {});
const chunks: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
process.stdin.on('end', () => {
  let spec: SupervisorSpec;
  try {
    spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SupervisorSpec;
  } catch {
    // A patchwalk that died while handing over: no claim, so resume sees the command never started.
    process.exit(1);
  }
  chunks.length = 0;
  process.stdin.destroy();
  setStateRoot(stateDir());
  supervise(spec);
});
