// What the runbook will do to each VM, shown before any VM step so nothing comes as a surprise.
// Cost is linear in the VMs: each step's selector runs once over all of them, and VMs are looked
// up by name, so the console can recompute it at 5,000 VMs.
import type { Runbook } from '../runbook/schema.js';
import { selectVms } from './select.js';
import type { Vm } from './types.js';

export interface VmPlan {
  vm: Vm;
  action: string;
}

/** One VM step's effect on the VMs it selects; undefined when this VM's state leaves it alone. */
interface Rule {
  chosen: Set<string>;
  action: (vm: Vm) => string | undefined;
}

function rulesFor(runbook: Runbook, vms: readonly Vm[]): Rule[] {
  const chosen = (selector: Parameters<typeof selectVms>[1]) => new Set(selectVms(vms, selector, []).map((vm) => vm.name));
  const rules: Rule[] = [];
  for (const step of runbook.steps) {
    if ('shutdown' in step) {
      const action = step.shutdown.mode === 'force' ? 'force off' : 'shut down';
      rules.push({ chosen: chosen(step.shutdown.select ?? 'running'), action: (vm) => (vm.state === 'running' || vm.state === 'paused' ? action : undefined) });
    }
    if ('migrate' in step) {
      const action = `migrate to ${step.migrate.to}`;
      rules.push({ chosen: chosen(step.migrate.select ?? 'running'), action: (vm) => (vm.state === 'running' ? action : undefined) });
    }
  }
  return rules;
}

export function planVmActions(runbook: Runbook, vms: readonly Vm[]): VmPlan[] {
  const reboots = runbook.steps.some((step) => 'reboot' in step);
  const rules = rulesFor(runbook, vms);
  return vms.map((vm) => {
    for (const rule of rules) {
      const action = rule.chosen.has(vm.name) ? rule.action(vm) : undefined;
      if (action) return { vm, action };
    }
    if (vm.state === 'running') return { vm, action: reboots ? 'leave running (down during reboot)' : 'leave running' };
    if (vm.state === 'migrated') return { vm, action: 'migrated away' };
    return { vm, action: 'stays off' };
  });
}

/** The plan as made at the start of the run, beside each VM's state now. */
export function livePlan(run: { runbook: Runbook; vms?: Vm[]; vmsBefore?: Vm[] }): VmPlan[] {
  const current = run.vms ?? [];
  const byName = new Map(current.map((vm) => [vm.name, vm]));
  return planVmActions(run.runbook, run.vmsBefore ?? current).map(({ vm, action }) => ({ vm: byName.get(vm.name) ?? vm, action }));
}
