// `patchwalk run FILE`: load, check, and walk a runbook.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { initialState } from '../engine/engine.js';
import { runCommand } from '../exec/run-command.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { LinePrompter } from '../plain/line-prompter.js';
import { PlainRenderer } from '../plain/plain-renderer.js';
import { colourWanted, makeStyle } from '../plain/style.js';
import { NoInputError, RunDriver } from '../run/drive-run.js';
import { hypervisorFor } from '../run/hypervisor.js';
import { parseSetFlags } from '../run/params.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';
import { renderText } from '../runbook/template.js';

export interface RunFlags {
  set: string[];
  dryRun: boolean;
  yes: boolean;
  plain: boolean;
}

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
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
  const hypervisor = hypervisorFor(runbook);
  const style = makeStyle(colourWanted(io.stdout));
  const renderer = new PlainRenderer(io.stdout, style);

  const state = initialState(
    runbook,
    { yes: flags.yes, dryRun: flags.dryRun, pauseToRead: false, runId: newRunId(), operator: userInfo().username },
    given,
  );
  let driver: RunDriver | undefined;
  const interrupt = (signal: string) => driver?.interrupt(`${signal} received`);
  const prompter = new LinePrompter(io.stdin, io.stdout, style, () => interrupt('Ctrl-C'));
  const ssh = runbook.target?.ssh ? renderText(runbook.target.ssh, (path) => state.params[path[0]] ?? runbook.params?.[path[0]]?.default) : undefined;
  driver = new RunDriver(state, {
    ...hypervisor,
    prompter,
    exec: runCommand,
    ssh: runbook.inventory?.provider === 'sim' || !runbook.inventory ? undefined : ssh,
    observer: renderer,
  });

  const onSignal = (signal: NodeJS.Signals) => interrupt(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const onOutputClosed = (error: NodeJS.ErrnoException) => error.code === 'EPIPE' && interrupt('output closed');
  io.stdout.on('error', onOutputClosed);
  try {
    const end = await driver.run();
    if (end.phase === 'done') return EXIT.ok;
    if (end.phase === 'aborted' && end.interrupted) return EXIT.interrupted;
    return EXIT.failed;
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
  }
}

export { UsageError };
