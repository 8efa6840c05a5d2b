// What a rehearsal puts in place of the real host and the real command runner, for a run or a
// resumed one: the session asks for these when its run is a rehearsal.
import { closeSync, existsSync } from 'node:fs';
import type { ExecRequest, ExecResult } from '../exec/exec-request.js';
import { encodeLine, summarizeOutput } from '../exec/output-file.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import type { RunFolder } from '../journal/run-folder.js';
import { openForWrite, writeAll } from '../journal/state-io.js';
import type { SshConnections } from '../exec/ssh-transport.js';
import { providerDescriptor } from '../inventory/provider-registry.js';
import { simSpeed } from '../inventory/sim-host.js';
import { hypervisorFor, type Hypervisor } from '../run/hypervisor.js';
import type { Runbook } from '../runbook/schema.js';
import { RehearsalCluster } from './rehearsal-cluster.js';
import { RehearsalHost, rehearsalInventoryPath } from './rehearsal-host.js';
import type { RollingMember } from '../engine/types.js';
import { cannedResult, rehearsedExec } from './rehearsed-exec.js';

export interface RehearsalSetup {
  runbook: Runbook;
  runDir: string;
  stateFile: string;
  params: () => Record<string, string>;
  connections: SshConnections;
  mask: (text: string) => string;
  /** A cluster runbook's members: the rehearsal simulates every one of them. */
  members?: RollingMember[];
  /** Says something the operator should know about the rehearsal (a journal notice). */
  notice?: (text: string) => void;
}

/**
 * The simulated host of a rehearsal. A runbook on the built-in simulated host rehearses on it as
 * written (its VMs and their timings), unless a saved inventory was given; any other provider is
 * read once, read-only, and copied onto a simulated host.
 */
export function rehearsalHypervisor(setup: RehearsalSetup): Hypervisor {
  const { runbook, runDir, stateFile } = setup;
  const simulated = providerDescriptor(runbook.inventory?.provider ?? 'sim')?.simulated;
  const real = () => hypervisorFor(runbook, { params: setup.params, connections: setup.connections, simStateFile: stateFile, ...(setup.members ? { members: setup.members } : {}) });
  if (setup.members) return clusterRehearsal(setup, Boolean(simulated), real);
  if (simulated && !existsSync(rehearsalInventoryPath(runDir))) {
    const sim = real();
    // Nothing runs on a rehearsal box either: the runner below never uses the destination.
    return { provider: sim.provider, host: sim.host };
  }
  let provider: Hypervisor['provider'] | undefined;
  const host = new RehearsalHost({ runDir, stateFile, readReal: (options) => (provider ??= real().provider).list(options) });
  return { provider: host, host };
}

/**
 * A cluster runbook: the built-in simulated cluster rehearses as written, unless a saved inventory
 * was given; real members are read once, read-only, and copied onto a simulated cluster. Nothing
 * reaches a member after that: no command (the runner below), no lock (the session skips them).
 */
function clusterRehearsal(setup: RehearsalSetup, simulated: boolean, real: () => Hypervisor): Hypervisor {
  const members = setup.members ?? [];
  const sshFor = (name: string) => members.find((member) => member.name === name)?.ssh;
  if (simulated && !existsSync(rehearsalInventoryPath(setup.runDir))) {
    const sim = real();
    return { provider: sim.provider, host: sim.host, ...(sim.cluster ? { cluster: sim.cluster } : {}) };
  }
  let built: Hypervisor | undefined;
  const once = () => (built ??= real());
  const cluster = new RehearsalCluster({
    members: members.map((member) => member.name),
    readReal: () => once().provider.list(),
    readFree: async () => {
      const capacity = once().cluster?.capacity;
      if (!capacity) throw new Error('no capacity');
      return capacity();
    },
    runDir: setup.runDir,
    stateFile: setup.stateFile,
    ...(setup.notice ? { notice: setup.notice } : {}),
  });
  return { provider: cluster, host: cluster, cluster: { capacity: () => cluster.membersFree(), sshFor } };
}

/** Where a rehearsal keeps what it showed of each command: the journal and an output file per command. */
export interface RehearsalRecord {
  folder: RunFolder;
  journal: JournalWriter;
}

/**
 * The command runner of a rehearsal: nothing is executed; each step's canned result is played. Each
 * command is journaled as real ones are (exec-start, exec-end) with an output file holding what was
 * shown, so the report has its output and a watcher can follow it.
 */
export function rehearsalExec(setup: Pick<RehearsalSetup, 'runbook' | 'mask'>, record?: RehearsalRecord): (request: ExecRequest) => Promise<ExecResult> {
  const run = rehearsedExec({ canned: (stepId) => cannedResult(setup.runbook, stepId), mask: setup.mask, speed: simSpeed() });
  if (!record) return run;
  const attempts = new Map<number, number>();
  return async (request) => {
    const { folder, journal } = record;
    const effect = request.effectId ?? 0;
    const step = request.stepId ?? 'step';
    const attempt = (attempts.get(effect) ?? 0) + 1;
    attempts.set(effect, attempt);
    const files = folder.commandFiles(effect, step, attempt);
    const output = folder.relative(files.outFile);
    const command = setup.mask('shell' in request.command ? request.command.shell : request.command.argv.join(' '));
    journal.append({ type: 'exec-start', at: Date.now(), step, effect, command, output, status_file: folder.relative(files.statusFile), pid_file: folder.relative(files.pidFile) });
    const fd = openForWrite(files.outFile, 'a');
    try {
      const result = await run({
        ...request,
        onLine: (stream, line) => {
          writeAll(fd, encodeLine(stream, line), files.outFile);
          request.onLine(stream, line);
        },
      });
      journal.append({
        type: 'exec-end',
        at: Date.now(),
        step,
        effect,
        exit_code: result.exitCode,
        timed_out: result.timedOut,
        aborted: result.aborted,
        duration_ms: result.durationMs,
        output: { file: output, ...(await summarizeOutput(files.outFile)) },
      });
      return result;
    } finally {
      closeSync(fd);
    }
  };
}
