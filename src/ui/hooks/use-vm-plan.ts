import { useMemo } from 'react';
import { planVmActions, type VmPlan } from '../../engine/vm-plan.js';
import { vmNamed } from '../../engine/run-vms.js';
import type { RunState } from '../../engine/types.js';

/** The plan with the open VM question's unticked VMs left out of it. */
export function withTicks(plans: VmPlan[], offered: string[], ticked: Set<string> | undefined): VmPlan[] {
  if (!ticked) return plans;
  const offeredSet = new Set(offered);
  return plans.map((plan) => (offeredSet.has(plan.vm.name) && !ticked.has(plan.vm.name) ? { ...plan, action: 'leave as is (unticked)' } : plan));
}

/**
 * The VM plan beside each VM's state now (livePlan, split in two for the console). The plan is
 * made from the runbook and the VMs as they were, so it is made again only when those change; a
 * shutdown of 5,000 VMs changes only their states, which costs one lookup by name per VM a frame.
 */
export function useVmPlan(run: RunState): { plans: VmPlan[]; running: number; index: Map<string, number> } {
  const base = run.vmsBefore ?? run.vms;
  const planned = useMemo(() => planVmActions(run.runbook, base ?? []), [run.runbook, base]);
  const index = useMemo(() => new Map(planned.map((plan, position) => [plan.vm.name, position])), [planned]);
  return useMemo(() => {
    let running = 0;
    const plans = planned.map((plan) => {
      const vm = vmNamed(run, plan.vm.name) ?? plan.vm;
      if (vm.state === 'running') running++;
      return vm === plan.vm ? plan : { vm, action: plan.action };
    });
    return { plans, running, index };
    // The live states read nothing else of the run.
  }, [planned, index, run.vms, run.vmIndex]);
}
