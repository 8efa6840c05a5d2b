import { useMemo } from 'react';
import { livePlan, type VmPlan } from '../../engine/vm-plan.js';
import type { RunState } from '../../engine/types.js';

/** The plan with the open VM question's unticked VMs left out of it. */
export function withTicks(plans: VmPlan[], offered: string[], ticked: Set<string> | undefined): VmPlan[] {
  if (!ticked) return plans;
  const offeredSet = new Set(offered);
  return plans.map((plan) => (offeredSet.has(plan.vm.name) && !ticked.has(plan.vm.name) ? { ...plan, action: 'leave as is (unticked)' } : plan));
}

/** The VM plan, recomputed only when the VMs or the runbook change: O(N) at 5,000 VMs. */
export function useVmPlan(run: RunState): { plans: VmPlan[]; running: number; index: Map<string, number> } {
  return useMemo(() => {
    const plans = livePlan(run);
    const index = new Map(plans.map((plan, position) => [plan.vm.name, position]));
    return { plans, running: plans.filter((plan) => plan.vm.state === 'running').length, index };
    // The plan reads nothing else of the run.
  }, [run.runbook, run.vms, run.vmsBefore]);
}
