// What the runbook will do to each VM, shown before any VM step so nothing comes as a surprise.
import { stepKind, type Runbook } from '../runbook/schema.js';
import { selectVms } from './select.js';
import type { Vm } from './types.js';

export interface VmPlan {
  vm: Vm;
  action: string;
}

export function planVmActions(runbook: Runbook, vms: readonly Vm[]): VmPlan[] {
  const reboots = runbook.steps.some((step) => stepKind(step) === 'reboot');
  return vms.map((vm) => {
    for (const step of runbook.steps) {
      if ('shutdown' in step) {
        const chosen = selectVms([vm], step.shutdown.select ?? 'running', []);
        if (chosen.length && (vm.state === 'running' || vm.state === 'paused')) {
          return { vm, action: step.shutdown.mode === 'force' ? 'force off' : 'shut down' };
        }
      }
      if ('migrate' in step) {
        const chosen = selectVms([vm], step.migrate.select ?? 'running', []);
        if (chosen.length && vm.state === 'running') return { vm, action: `migrate to ${step.migrate.to}` };
      }
    }
    if (vm.state === 'running') return { vm, action: reboots ? 'leave running (down during reboot)' : 'leave running' };
    if (vm.state === 'migrated') return { vm, action: 'migrated away' };
    return { vm, action: 'stays off' };
  });
}

/** The plan as made at the start of the run, beside each VM's state now. */
export function livePlan(run: { runbook: Runbook; vms?: Vm[]; vmsBefore?: Vm[] }): VmPlan[] {
  const current = run.vms ?? [];
  return planVmActions(run.runbook, run.vmsBefore ?? current).map(({ vm, action }) => ({
    vm: current.find((candidate) => candidate.name === vm.name) ?? vm,
    action,
  }));
}
