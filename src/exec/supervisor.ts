// The supervisor: runs one step command detached from patchwalk and its terminal, so the command
// outlives a dropped SSH session or a crash. patchwalk spawns it in a session of its own with stdio
// ignored; it starts the command in a process group of its own, appends every output line to the
// step's output file, and writes the exit status to the status file when the command ends.
//
// Its spec comes in the PATCHWALK_SUPERVISOR_SPEC environment variable (never a file: the command
// line may hold secret values) and is removed before the command starts.
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { KILL_GRACE_MS, OUTPUT_DRAIN_MS } from '../limits.js';
import { encodeLine, LineSplitter, maskText } from './output-file.js';
import type { Stream } from './exec-request.js';
import { SPEC_ENV, writeFileDurably, type CommandStatus, type PidRecord, type SupervisorSpec } from './supervisor-spec.js';

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
  let claim: number;
  try {
    claim = openSync(spec.pidFile, 'wx');
  } catch {
    process.exit(0);
  }
  writeSync(claim, JSON.stringify({ supervisor: process.pid } satisfies PidRecord));
  fsyncSync(claim);
  closeSync(claim);

  const out = openSync(spec.outFile, 'a');
  const startedAt = Date.now();
  let timedOut = false;
  let finished = false;
  let killTimer: NodeJS.Timeout | undefined;

  const [file, ...args] = spec.argv;
  const child = spawn(file, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env },
  });
  if (child.pid) writeFileDurably(spec.pidFile, JSON.stringify({ supervisor: process.pid, command: child.pid } satisfies PidRecord));

  const write = (stream: Stream, line: string) => writeSync(out, encodeLine(stream, maskText(line, spec.secrets, spec.mask)));
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      for (const line of splitters[stream].push(chunk)) write(stream, line);
    });
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
    for (const stream of ['stdout', 'stderr'] as const) for (const line of splitters[stream].flush()) write(stream, line);
    // Anything the command left behind in its group goes with it when it was stopped.
    if (timedOut || aborted) killGroup(child.pid, 'SIGKILL');
    fsyncSync(out);
    closeSync(out);
    writeFileDurably(spec.statusFile, JSON.stringify({ ...status, timedOut, aborted, startedAt, endedAt: Date.now() } satisfies CommandStatus));
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

const raw = process.env[SPEC_ENV];
if (raw) {
  delete process.env[SPEC_ENV];
  // No terminal to lose: a hangup is not the supervisor's business.
  process.on('SIGHUP', () => {});
  supervise(JSON.parse(raw) as SupervisorSpec);
}
