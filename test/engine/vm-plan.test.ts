import { describe, expect, it } from 'vitest';
import { livePlan, planVmActions } from '../../src/engine/vm-plan.js';
import type { Vm } from '../../src/engine/types.js';
import { runbookFrom } from '../helpers/runbook.js';
import { VMS } from './harness.js';

const RUNBOOK = runbookFrom(`runbook: 1
title: T
steps:
  - { id: move, title: Move, migrate: { select: "tag:db", to: kvm02 } }
  - { id: down, title: Down, shutdown: { select: [web01, cache01, build01], mode: force } }
  - { id: boot, title: Boot, reboot: {} }
`);

describe('VM plan', () => {
  it('takes the first VM step that would act on each VM, in runbook order', () => {
    expect(planVmActions(RUNBOOK, VMS).map((plan) => [plan.vm.name, plan.action])).toEqual([
      ['web01', 'force off'],
      ['db01', 'migrate to kvm02'],
      ['cache01', 'force off'],
      ['build01', 'stays off'],
    ]);
  });

  it('shows each VM as it is now beside the plan made from the start, at thousands of VMs', () => {
    const many: Vm[] = Array.from({ length: 5000 }, (_, index) => ({ ...VMS[index % 4]!, name: `vm${index}` }));
    const now = many.map((vm, index) => (index === 4999 ? { ...vm, state: 'shut-off' as const } : vm));
    const plans = livePlan({ runbook: RUNBOOK, vmsBefore: many, vms: [...now].reverse() });
    expect(plans).toHaveLength(5000);
    expect(plans[4999]?.vm.state).toBe('shut-off');
    expect(plans[4999]?.vm.name).toBe('vm4999');
  });
});
