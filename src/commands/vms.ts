// `patchwalk vms FILE`: the runbook's inventory and what the runbook will do to each VM.
import { planVmActions } from '../engine/vm-plan.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { VM_COLUMNS, vmRow } from '../display/vm-rows.js';
import { textTable } from '../plain/text-table.js';
import { hypervisorFor } from '../run/hypervisor.js';
import { SshConnections } from '../exec/ssh-transport.js';
import { parseSetFlags } from '../run/params.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';
import type { Runbook } from '../runbook/schema.js';
import type { Vm } from '../engine/types.js';
import type { CommandRunner } from '../inventory/provider-exec.js';
import type { ProviderContext } from '../inventory/provider.js';
import { recordingRunner, writeRecording, type RecordedCall, type RecordingSource } from '../inventory/output-recording.js';
import { existsSync, readdirSync } from 'node:fs';
import { patchwalkVersion } from '../cli-args.js';
import { dirname, resolve } from 'node:path';
import { MembersError, resolveMembers } from '../cluster/members.js';
import { expandCluster } from '../rolling/cluster-runbook.js';

export async function listVms(file: string, flags: { set: string[]; json: boolean; record?: string }, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  // `vms` runs no step: an on: host step without target.ssh (a rehearsal copy) cannot run anywhere wrong.
  const loaded = await loadRunbookFile(file, { rehearsal: true });
  if (!loaded.runbook) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`);
    return EXIT.usage;
  }
  const given = parseSetFlags(flags.set, loaded.runbook, file);
  // A cluster runbook lists every member's VMs, each with its host, planned as the rolling would.
  const members = loaded.runbook.cluster
    ? await resolveMembers(loaded.runbook, { baseDir: dirname(resolve(file)), params: given }).catch((error: unknown) => {
        throw error instanceof MembersError ? new UsageError(`${file}: cluster.members: ${error.message}`) : error;
      })
    : undefined;
  const runbook = members ? expandCluster(loaded.runbook, members).runbook : loaded.runbook;
  for (const [name, param] of Object.entries(runbook.params ?? {})) {
    if (!(name in given) && param.default === undefined) throw new UsageError(`param "${name}" has no default; pass --set ${name}=VALUE`);
  }
  const connections = new SshConnections();
  const recorder = flags.record === undefined ? undefined : startRecording(runbook, flags.record);
  const { provider } = hypervisorFor(runbook, { params: () => given, connections, wrapRunner: recorder?.wrap, members });
  const vms = await provider.list().finally(() => connections.closeAll());
  if (recorder) {
    recorder.finish(vms);
    err.write(`recorded ${recorder.calls.length} call(s) of the ${runbook.inventory?.provider} provider in ${flags.record}; read it for names you would not publish before you share it\n`);
  }
  const plans = planVmActions(runbook, vms);
  if (flags.json) {
    out.write(`${JSON.stringify(plans.map(({ vm, action }) => ({ ...vm, planned_action: action })), null, 2)}\n`);
  } else {
    for (const line of textTable(VM_COLUMNS, plans.map(vmRow))) out.write(`${line}\n`);
    out.write(`${plans.length} VM(s), ${plans.filter((plan) => plan.vm.state === 'running').length} running\n`);
  }
  return EXIT.ok;
}

/**
 * `--record DIR`: keeps every call the provider makes while listing, for the tests' replay. Checked
 * before anything is asked of the host, so a wrong folder costs no connection.
 */
function startRecording(runbook: Runbook, dir: string) {
  const provider = runbook.inventory?.provider ?? 'sim';
  if (provider === 'sim') throw new UsageError('--record: the simulated host runs no tool, so there is nothing to record');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`--record: ${dir} is not empty; record into a new folder`);
  const calls: RecordedCall[] = [];
  let source: Omit<RecordingSource, 'recorded_at' | 'patchwalk'> | undefined;
  return {
    calls,
    wrap(run: CommandRunner, where: Pick<ProviderContext, 'uri' | 'node' | 'destination'>): CommandRunner {
      const inventory = { ...runbook.inventory!, ...(where.uri === undefined ? {} : { uri: where.uri }), ...(where.node === undefined ? {} : { node: where.node }) };
      source = { provider, inventory, ...(where.destination === undefined ? {} : { destination: where.destination }) };
      return recordingRunner(run, calls);
    },
    finish(vms: Vm[]) {
      writeRecording(dir, { source: { ...source!, recorded_at: new Date().toISOString(), patchwalk: patchwalkVersion() }, calls, vms });
    },
  };
}
