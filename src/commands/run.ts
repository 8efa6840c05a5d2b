// `patchwalk run FILE`: load, check, and walk a runbook.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { initialState } from '../engine/engine.js';
import { runCommand } from '../exec/run-command.js';
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
  const connections = new SshConnections();
  let driver: RunDriver | undefined;
  const hypervisor = hypervisorFor(runbook, { params: () => driver?.current.params ?? given, connections });
  const style = makeStyle(colourWanted(io.stdout));
  const renderer = new PlainRenderer(io.stdout, style);

  const state = initialState(
    runbook,
    { yes: flags.yes, dryRun: flags.dryRun, pauseToRead: false, runId: newRunId(), operator: userInfo().username },
    given,
  );
  const interrupt = (signal: string) => driver?.interrupt(`${signal} received`);
  const prompter = new LinePrompter(io.stdin, io.stdout, style, () => interrupt('Ctrl-C'));
  driver = new RunDriver(state, {
    provider: hypervisor.provider,
    host: hypervisor.host,
    prompter,
    // on: host steps share the run's one multiplexed ssh connection to the target.
    exec: (request) => runCommand({ ...request, transport: request.ssh ? connections.get(request.ssh, hypervisor.flavour) : undefined }),
    ssh: hypervisor.ssh,
    observer: renderer,
  });

  const onSignal = (signal: NodeJS.Signals) => interrupt(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
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
    prompter.close();
    await connections.closeAll();
  }
}

export { UsageError };
