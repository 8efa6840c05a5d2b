import { useMemo, useRef } from 'react';
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

interface Count {
  planned: readonly VmPlan[];
  vms: readonly Vm[];
  running: number;
  /** Every VM sits at its plan's position, so a VM's state is read at that position alone. */
  aligned: boolean;
}

/** A plan's VM as it is now. The list keeps its order through state changes, so a VM is most often where its plan is. */
function vmNow(run: RunState, vms: readonly Vm[], plan: VmPlan, position: number): Vm {
  const at = vms[position];
  return (at?.name === plan.vm.name ? at : vmNamed(run, plan.vm.name)) ?? plan.vm;
}

/** Running VMs of the plan, in full. */
function countRunning(run: RunState, planned: readonly VmPlan[], vms: readonly Vm[]): Count {
  let running = 0;
  let aligned = vms.length === planned.length;
  planned.forEach((plan, position) => {
    if (vms[position]?.name !== plan.vm.name) aligned = false;
    if (vmNow(run, vms, plan, position).state === 'running') running++;
  });
  return { planned, vms, running, aligned };
}

/**
 * The count after a change of the VM list, from the last count: only the positions whose VM is a
 * new object are read. A state change copies the list and that one VM, so this compares references
 * and reads a handful of states, where a full count read all 5,000 (a block at the start of a
 * shutdown, when the code is still cold). Any VM not at its plan's position counts in full.
 */
function recount(run: RunState, planned: readonly VmPlan[], vms: readonly Vm[], last: Count | undefined): Count {
  if (!last || !last.aligned || last.planned !== planned || last.vms.length !== vms.length) return countRunning(run, planned, vms);
  let running = last.running;
  for (let position = 0; position < vms.length; position++) {
    const was = last.vms[position];
    const now = vms[position];
    if (was === now || !was || !now) continue;
    if (now.name !== planned[position]?.vm.name) return countRunning(run, planned, vms);
    running += (now.state === 'running' ? 1 : 0) - (was.state === 'running' ? 1 : 0);
  }
  return { planned, vms, running, aligned: true };
}

/**
 * The VM plan, and how to see a VM of it as it is now (livePlan, split in two for the console). The
 * plan is made from the runbook and the VMs as they were, so it is made again only when those
 * change. A shutdown of 5,000 VMs changes only their states: a frame then counts the running ones
 * from the last count and looks up only the rows on screen, instead of making a plan object for
 * every VM each frame.
 */
export function useVmPlan(run: RunState): { plans: VmPlan[]; running: number; index: Map<string, number>; live: LivePlan } {
  const base = run.vmsBefore ?? run.vms;
  const planned = useMemo(() => planVmActions(run.runbook, base ?? []), [run.runbook, base]);
  const index = useMemo(() => new Map(planned.map((plan, position) => [plan.vm.name, position])), [planned]);
  const counted = useRef<Count | undefined>(undefined);
  return useMemo(() => {
    const vms = run.vms ?? [];
    // Idempotent: counting again from a count of this very list changes nothing.
    counted.current = recount(run, planned, vms, counted.current);
    const live: LivePlan = (plan, position) => {
      const vm = vmNow(run, vms, plan, position);
      return vm === plan.vm ? plan : { vm, action: plan.action };
    };
    return { plans: planned, running: counted.current.running, index, live };
    // The live states read nothing else of the run.
  }, [planned, index, run.vms, run.vmIndex]);
}
