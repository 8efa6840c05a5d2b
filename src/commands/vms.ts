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

export async function listVms(file: string, flags: { set: string[]; json: boolean }, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const loaded = await loadRunbookFile(file);
  if (!loaded.runbook) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`);
    return EXIT.usage;
  }
  const runbook = loaded.runbook;
  const given = parseSetFlags(flags.set, runbook, file);
  for (const [name, param] of Object.entries(runbook.params ?? {})) {
    if (!(name in given) && param.default === undefined) throw new UsageError(`param "${name}" has no default; pass --set ${name}=VALUE`);
  }
  const connections = new SshConnections();
  const { provider } = hypervisorFor(runbook, { params: () => given, connections });
  const plans = planVmActions(runbook, await provider.list().finally(() => connections.closeAll()));
  if (flags.json) {
    out.write(`${JSON.stringify(plans.map(({ vm, action }) => ({ ...vm, planned_action: action })), null, 2)}\n`);
  } else {
    for (const line of textTable(VM_COLUMNS, plans.map(vmRow))) out.write(`${line}\n`);
    out.write(`${plans.length} VM(s), ${plans.filter((plan) => plan.vm.state === 'running').length} running\n`);
  }
  return EXIT.ok;
}
