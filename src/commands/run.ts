// `patchwalk run FILE`: load, check, and walk a runbook.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { initialState } from '../engine/engine.js';
import { runCommand, type ExecRequest } from '../exec/run-command.js';
import { SshConnections } from '../exec/ssh-transport.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { LinePrompter } from '../plain/line-prompter.js';
import { PlainRenderer } from '../plain/plain-renderer.js';
import { colourWanted, makeStyle } from '../plain/style.js';
import { NoInputError, RunDriver } from '../run/drive-run.js';
import { hypervisorFor } from '../run/hypervisor.js';
import { parseSetFlags } from '../run/params.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';
import { join } from 'node:path';
import type { RunState } from '../engine/types.js';
import { runDir } from '../run/state-dir.js';
import type { runConsole } from '../ui/run-console.js';

export interface RunFlags {
  set: string[];
  dryRun: boolean;
  yes: boolean;
  plain: boolean;
  /** Guided mode: pause after each explanation (the demo). */
  training?: boolean;
}

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

/** The full-screen console needs a terminal at both ends, and one that can move the cursor. */
export function wantsConsole(flags: RunFlags, io: Io): boolean {
  const env = io.env ?? process.env;
  return !flags.plain && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY) && env.TERM !== 'dumb';
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function runRunbook(file: string, flags: RunFlags, io: Io): Promise<number> {
  const loaded = await loadRunbookFile(file);
  if (!loaded.runbook) {
    for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    io.stderr.write(`${file}: ${loaded.problems.length} problem(s); nothing was run\n`);
    return EXIT.usage;
  }
  const runbook = loaded.runbook;
  const given = parseSetFlags(flags.set, runbook, file);
  const connections = new SshConnections();
  let driver: RunDriver | undefined;
  const hypervisor = hypervisorFor(runbook, { params: () => driver?.current.params ?? given, connections });
  const interactive = wantsConsole(flags, io);
  const runId = newRunId();
  const state = initialState(
    runbook,
    { yes: flags.yes, dryRun: flags.dryRun, pauseToRead: interactive && Boolean(flags.training), runId, operator: userInfo().username },
    given,
  );
  const execDeps = {
    provider: hypervisor.provider,
    host: hypervisor.host,
    // on: host steps share the run's one multiplexed ssh connection to the target.
    exec: (request: ExecRequest) => runCommand({ ...request, transport: request.ssh ? connections.get(request.ssh, hypervisor.flavour) : undefined }),
    ssh: hypervisor.ssh,
  };
  if (interactive) {
    try {
      return await runInConsole(state, execDeps, flags, io, runId, (created) => (driver = created));
    } finally {
      await connections.closeAll();
    }
  }

  const style = makeStyle(colourWanted(io.stdout));
  const renderer = new PlainRenderer(io.stdout, style);
  const interrupt = (signal: string) => driver?.interrupt(`${signal} received`);
  const prompter = new LinePrompter(io.stdin, io.stdout, style, () => interrupt('Ctrl-C'));
  driver = new RunDriver(state, { ...execDeps, prompter, observer: renderer });

  const onSignal = (signal: NodeJS.Signals) => interrupt(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const onOutputClosed = (error: NodeJS.ErrnoException) => error.code === 'EPIPE' && interrupt('output closed');
  io.stdout.on('error', onOutputClosed);
  try {
    return exitCodeOf(await driver.run());
  } catch (error) {
    if (error instanceof NoInputError) {
      io.stderr.write(`patchwalk: ${error.message}; stdin is closed. Answer it on a terminal, or pipe the answer in${flags.yes ? '' : ', or use --yes'}.\n`);
      if (flags.yes && !runbook.unattended) {
        io.stderr.write(`patchwalk: --yes does not answer destructive prompts unless the runbook sets "unattended: true".\n`);
      }
      return EXIT.noInput;
    }
    throw error;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
    io.stdout.off('error', onOutputClosed);
    prompter.close();
    await connections.closeAll();
  }
}

function exitCodeOf(end: RunState): number {
  if (end.phase === 'done') return EXIT.ok;
  if (end.phase === 'aborted' && end.interrupted) return EXIT.interrupted;
  return EXIT.failed;
}

async function runInConsole(
  state: RunState,
  deps: Parameters<typeof runConsole>[1],
  flags: RunFlags,
  io: Io,
  runId: string,
  onDriver: (driver: RunDriver) => void,
): Promise<number> {
  let driver: RunDriver | undefined;
  const onSignal = (signal: NodeJS.Signals) => driver?.interrupt(`${signal} received`);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  try {
    // Ink takes most of a second to load; line mode, lint and schema do not pay for it.
    const { runConsole } = await import('../ui/run-console.js');
    const end = await runConsole(state, deps, {
      training: Boolean(flags.training),
      outputPath: join(runDir(runId), 'output.log'),
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
      onDriver: (created) => {
        driver = created;
        onDriver(created);
      },
    });
    printSummary(end, io);
    return exitCodeOf(end);
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  }
}

/** After the console closes, the outcome stays in the terminal's scrollback. */
function printSummary(end: RunState, io: Io): void {
  new PlainRenderer(io.stdout, makeStyle(colourWanted(io.stdout))).summary(end);
}

export { UsageError };
