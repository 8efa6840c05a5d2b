// What the runbook will do to each VM, shown before any VM step so nothing comes as a surprise.
// Cost is linear in the VMs: each step's selector runs once over all of them, and VMs are looked
// up by name, so the console can recompute it at 5,000 VMs.
import { kindOfStep } from '../kinds/registry.js';
import type { Runbook } from '../runbook/schema.js';
import { selectVms } from './select.js';
import type { RunState, Vm } from './types.js';
import { currentMember } from '../rolling/cluster-runbook.js';

export interface VmPlan {
  vm: Vm;
  action: string;
}

/** One VM step's effect on the VMs it selects; undefined when this VM's state leaves it alone. */
interface Rule {
  chosen: Set<string>;
  action: (vm: Vm) => string | undefined;
}

/** A rule per step whose kind plans something for the VMs it selects (the kind says what). */
function rulesFor(runbook: Runbook, vms: readonly Vm[]): Rule[] {
  const rules: Rule[] = [];
  for (const step of runbook.steps) {
    const kind = kindOfStep(step);
    if (!kind?.spec.plan) continue;
    const selector = kind.selector(step) ?? 'running';
    rules.push({ chosen: new Set(selectVms(vms, selector, []).map((vm) => vm.name)), action: (vm) => kind.plan(step, vm) });
  }
  return rules;
}

export function planVmActions(runbook: Runbook, vms: readonly Vm[]): VmPlan[] {
  const reboots = runbook.steps.some((step) => kindOfStep(step)?.facts.restartsHost);
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
export function livePlan(run: { runbook: Runbook; vms?: Vm[]; vmsBefore?: Vm[] } & Partial<Pick<RunState, 'rolling' | 'cursor' | 'phase'>>): VmPlan[] {
  const current = run.vms ?? [];
  const byName = new Map(current.map((vm) => [vm.name, vm]));
  // In a rolling, a member's steps show the VMs on that member now.
  const member = run.rolling && run.cursor !== undefined && run.phase ? currentMember({ rolling: run.rolling, cursor: run.cursor, phase: run.phase })?.name : undefined;
  const before = member ? (run.vmsBefore ?? current).filter((vm) => byName.get(vm.name)?.host === member) : (run.vmsBefore ?? current);
  return planVmActions(run.runbook, before).map(({ vm, action }) => ({ vm: byName.get(vm.name) ?? vm, action }));
}
