import { useMemo } from 'react';
import { planVmActions, type VmPlan } from '../../engine/vm-plan.js';
import { vmNamed } from '../../engine/run-vms.js';
import type { RunState, Vm } from '../../engine/types.js';

/** The plan with the open VM question's unticked VMs left out of it. */
export function withTicks(plans: VmPlan[], offered: string[], ticked: Set<string> | undefined): VmPlan[] {
  if (!ticked) return plans;
  const offeredSet = new Set(offered);
  return plans.map((plan) => (offeredSet.has(plan.vm.name) && !ticked.has(plan.vm.name) ? { ...plan, action: 'leave as is (unticked)' } : plan));
}

/** A plan beside its VM as it is now; `position` is where it sits in the plans. */
export type LivePlan = (plan: VmPlan, position: number) => VmPlan;

/**
 * The VM plan, and how to see a VM of it as it is now (livePlan, split in two for the console). The
 * plan is made from the runbook and the VMs as they were, so it is made again only when those
 * change. A shutdown of 5,000 VMs changes only their states: a frame then counts the running ones
 * and looks up only the rows on screen, instead of making a plan object for every VM each frame.
 */
export function useVmPlan(run: RunState): { plans: VmPlan[]; running: number; index: Map<string, number>; live: LivePlan } {
  const base = run.vmsBefore ?? run.vms;
  const planned = useMemo(() => planVmActions(run.runbook, base ?? []), [run.runbook, base]);
  const index = useMemo(() => new Map(planned.map((plan, position) => [plan.vm.name, position])), [planned]);
  return useMemo(() => {
    const vms = run.vms ?? [];
    // The list keeps its order through state changes, so a VM is most often where its plan is.
    const vmNow = (plan: VmPlan, position: number): Vm => {
      const at = vms[position];
      return (at?.name === plan.vm.name ? at : vmNamed(run, plan.vm.name)) ?? plan.vm;
    };
    let running = 0;
    planned.forEach((plan, position) => {
      if (vmNow(plan, position).state === 'running') running++;
    });
    const live: LivePlan = (plan, position) => {
      const vm = vmNow(plan, position);
      return vm === plan.vm ? plan : { vm, action: plan.action };
    };
    return { plans: planned, running, index, live };
    // The live states read nothing else of the run.
  }, [planned, index, run.vms, run.vmIndex]);
}
