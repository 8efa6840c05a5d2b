// What drain and return share: the members' capacity as the planner sees it, the next batch of
// migrations, and recording a VM that moved.
import { effect, type Outcome } from '../engine/outcome.js';
import { setOutcome, vmNamed } from '../engine/run-vms.js';
import type { MovingWork, RunState, StepState, Vm } from '../engine/types.js';
import { DRAIN_CONCURRENCY, MIGRATION_TIMEOUT_MS } from '../limits.js';
import type { MemberCapacity, PlacementVm } from './placement.js';

export const NO_MIGRATE_TAG = 'no-migrate';

export function placementVm(vm: Vm): PlacementVm {
  const unmovable = vm.unmovable ?? (vm.tags.includes(NO_MIGRATE_TAG) ? `tag ${NO_MIGRATE_TAG}` : undefined);
  return { name: vm.name, memory_mib: vm.memory_mib, vcpus: vm.vcpus, tags: vm.tags, ...(unmovable ? { unmovable } : {}) };
}

/**
 * Every member's room as last reported, less what this step has moved onto it since, with the
 * VMs already there (for anti-affinity).
 */
export function membersCapacity(run: RunState, patched: Set<string>): MemberCapacity[] {
  const rolling = run.rolling;
  if (!rolling) return [];
  const stepId = run.runbook.steps[run.cursor]?.id;
  const byHost = new Map<string, PlacementVm[]>();
  for (const vm of run.vms ?? []) {
    if (!vm.host || vm.state === 'shut-off') continue;
    let list = byHost.get(vm.host);
    if (!list) byHost.set(vm.host, (list = []));
    list.push(placementVm(vm));
  }
  const since = new Map<string, { memory: number; vcpus: number }>();
  for (const move of rolling.moves) {
    if (move.step !== stepId) continue;
    const vm = vmNamed(run, move.vm);
    const used = since.get(move.to) ?? { memory: 0, vcpus: 0 };
    since.set(move.to, { memory: used.memory + (vm?.memory_mib ?? 0), vcpus: used.vcpus + (vm?.vcpus ?? 0) });
  }
  return rolling.members.map((member) => {
    const free = rolling.free?.[member.name];
    const used = since.get(member.name) ?? { memory: 0, vcpus: 0 };
    return {
      name: member.name,
      memory_free_mib: (free?.memory_free_mib ?? 0) - used.memory,
      vcpus_free: (free?.vcpus_free ?? 0) - used.vcpus,
      patched: patched.has(member.name),
      vms: byHost.get(member.name) ?? [],
    };
  });
}

/** The pending migrations to the first pending destination, as one bounded batch. */
export function migrateNext(stepId: string, moving: MovingWork): Outcome | undefined {
  const first = moving.pending[0];
  if (!first) return undefined;
  const batch = moving.pending.filter((move) => move.to === first.to);
  moving.pending = moving.pending.filter((move) => move.to !== first.to);
  return effect({ type: 'vm-power', stepId, action: 'migrate', vms: batch.map((move) => move.vm), to: first.to, timeoutMs: MIGRATION_TIMEOUT_MS, concurrency: DRAIN_CONCURRENCY });
}

/** A VM now runs on `to`: the run's placement follows, and the drained set remembers its home. */
export function movedTo(ctx: { run: RunState; state: StepState; step: { id: string } }, name: string, to: string, at: number, returning = false): void {
  const run = ctx.run;
  const vm = vmNamed(run, name);
  const from = vm?.host ?? '?';
  if (vm) {
    vm.host = to;
    vm.state = 'running';
  }
  setOutcome(ctx.state, name, 'migrated');
  const rolling = run.rolling;
  if (!rolling) return;
  rolling.moves.push({ vm: name, from, to, at, step: ctx.step.id });
  if (returning) {
    const drained = rolling.drained[name];
    if (drained) drained.returned = true;
  } else if (!rolling.drained[name] || rolling.drained[name].returned) {
    rolling.drained[name] = { from, to, step: ctx.step.id };
  } else rolling.drained[name].to = to;
}
