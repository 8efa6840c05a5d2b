// snapshot: a named snapshot of each selected VM before the patch, remembered by the run so that
// a revert step can roll back to it and `cleanup` can delete it once the run is done.
import { z } from 'zod';
import { mustParseDuration } from '../runbook/duration.js';
import { done, effect, failed, WAIT } from '../engine/outcome.js';
import { notice, selectForStep, settleVmResults } from '../engine/run-vms.js';
import { Common, Duration, Selector } from '../runbook/schema-parts.js';
import type { ClosingHook } from './kind.js';
import { defineKind } from './kind.js';
import { DEFAULT_SNAPSHOT_NAME, snapshotNameProblem } from './snapshot-names.js';

export const DEFAULT_SNAPSHOT_TIMEOUT = '10m';
export const DEFAULT_SNAPSHOT_CONCURRENCY = 2;

export const SnapshotStep = z.strictObject({
  ...Common,
  snapshot: z.strictObject({
    select: Selector.optional().describe('Which VMs (default all).'),
    name: z.string().min(1).optional().describe('Snapshot name, the same for every VM (default patchwalk-{{ run.id }}).'),
    memory: z.boolean().optional().describe("Include the guest's memory (default false: disk only)."),
    quiesce: z.boolean().optional().describe('Ask the guest agent to freeze filesystems first (default true).'),
    timeout: Duration.optional().describe('Per VM (default 10m).'),
    concurrency: z.number().int().min(1).max(64).optional(),
    cleanup: z.boolean().optional().describe("Delete this run's snapshots once the run is done (default false)."),
  }),
});

/** Deletes the snapshots marked for cleanup, one name at a time, once every step has ended well. */
const closing: ClosingHook = {
  next(run) {
    const due = run.snapshots.filter((snapshot) => snapshot.cleanup && snapshot.state !== 'deleted' && !snapshot.problem);
    const first = due[0];
    if (!first) return undefined;
    const vms = due.filter((snapshot) => snapshot.name === first.name).map((snapshot) => snapshot.vm);
    return {
      type: 'vm-snapshot',
      stepId: first.stepId,
      action: 'delete',
      vms,
      name: first.name,
      timeoutMs: mustParseDuration(DEFAULT_SNAPSHOT_TIMEOUT),
      concurrency: DEFAULT_SNAPSHOT_CONCURRENCY,
    };
  },
  settle(run, event, spent) {
    if (event.type !== 'vm-snapshot-done' || spent.type !== 'vm-snapshot' || spent.action !== 'delete') return;
    for (const result of event.results) {
      const record = run.snapshots.find((snapshot) => snapshot.vm === result.name && snapshot.name === spent.name);
      if (!record) continue;
      if (result.outcome === 'ok') record.state = 'deleted';
      else {
        record.problem = result.message ?? result.outcome;
        notice(run, event.at, `cleanup: snapshot ${spent.name} of ${result.name} was not deleted (${record.problem}); delete it by hand`);
      }
    }
  },
};

export const snapshot = defineKind({
  key: 'snapshot',
  schema: SnapshotStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: false },
  handler: {
    start(ctx) {
      const spec = ctx.step.snapshot;
      const name = ctx.scope.text(spec.name ?? DEFAULT_SNAPSHOT_NAME);
      const problem = snapshotNameProblem(name);
      if (problem) return failed(problem);
      // A retry only snapshots the VMs that do not have this snapshot yet.
      const taken = new Set(ctx.run.snapshots.filter((record) => record.name === name && record.state !== 'deleted').map((record) => record.vm));
      const vms = selectForStep(ctx.run, ctx.step.id, spec.select ?? 'all', ctx.at)
        .filter((vm) => vm.state !== 'migrated' && !taken.has(vm.name))
        .map((vm) => vm.name);
      if (vms.length === 0) return done(taken.size ? `every selected VM already has snapshot ${name}` : 'no VMs selected');
      return effect({
        type: 'vm-snapshot',
        stepId: ctx.step.id,
        action: 'create',
        vms,
        name,
        memory: spec.memory ?? false,
        quiesce: spec.quiesce ?? true,
        timeoutMs: mustParseDuration(spec.timeout ?? DEFAULT_SNAPSHOT_TIMEOUT),
        concurrency: spec.concurrency ?? DEFAULT_SNAPSHOT_CONCURRENCY,
      });
    },
    resume(ctx, event, spent) {
      if (event.type !== 'vm-snapshot-done' || spent.type !== 'vm-snapshot') return WAIT;
      const cleanup = ctx.step.snapshot.cleanup ?? false;
      return settleVmResults(ctx.state, event.results, 'snapshotted', 'the snapshot did not finish in time', (vm) =>
        ctx.run.snapshots.push({ vm, name: spent.name, stepId: ctx.step.id, cleanup, state: 'taken' }),
      );
    },
  },
  selector: (step) => step.snapshot.select ?? 'all',
  plan: (step) => `snapshot${step.snapshot.memory ? ' (with memory)' : ''}`,
  describe: (step, scope) => `Takes snapshot ${scope.text(step.snapshot.name ?? DEFAULT_SNAPSHOT_NAME)} of the selected VMs${step.snapshot.cleanup ? ', deleted again when the run is done' : ''}.`,
  closing,
});
