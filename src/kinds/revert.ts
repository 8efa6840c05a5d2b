// revert: rolls VMs back to the snapshot this run took, behind a typed confirmation, since it
// discards everything the VMs did since. It runs when a failed step's on_failure offers it and the
// operator takes it (or with always: true); in a run where nothing failed it is skipped.
import { z } from 'zod';
import { mustParseDuration } from '../runbook/duration.js';
import { abort, ask, done, effect, failed, WAIT, type Outcome } from '../engine/outcome.js';
import { loadVms, markStopped, notice, selectForStep, settleVmResults, vmNamed } from '../engine/run-vms.js';
import { Common, Duration, Selector } from '../runbook/schema-parts.js';
import { defineKind, type StepContext } from './kind.js';
import { snapshotNameProblem } from './snapshot-names.js';

export const DEFAULT_REVERT_TIMEOUT = '10m';
export const REVERT_CONFIRM_WORD = 'revert';

export const RevertStep = z.strictObject({
  ...Common,
  revert: z.strictObject({
    select: Selector.optional().describe('Which VMs (default snapshotted-by-this-run).'),
    name: z.string().min(1).optional().describe("Snapshot name (default: the one this run's snapshot step took)."),
    timeout: Duration.optional().describe('Per VM (default 10m).'),
    concurrency: z.number().int().min(1).max(64).optional(),
    always: z.boolean().optional().describe('Run even when no failed step asked for it (default false).'),
  }),
});

type Ctx = StepContext<z.infer<typeof RevertStep>>;

/** The snapshot name to revert to: the runbook's, or the one this run took of these VMs. */
function snapshotName(ctx: Ctx, vms: readonly string[]): string | undefined {
  if (ctx.step.revert.name) return ctx.scope.text(ctx.step.revert.name);
  const wanted = new Set(vms);
  return [...ctx.run.snapshots].reverse().find((record) => wanted.has(record.vm) && record.state !== 'deleted')?.name;
}

function selected(ctx: Ctx): string[] {
  return selectForStep(ctx.run, ctx.step.id, ctx.step.revert.select ?? 'snapshotted-by-this-run', ctx.at).map((vm) => vm.name);
}

function revertEffect(ctx: Ctx, vms: string[], name: string): Outcome {
  const spec = ctx.step.revert;
  return effect({
    type: 'vm-snapshot',
    stepId: ctx.step.id,
    action: 'revert',
    vms,
    name,
    timeoutMs: mustParseDuration(spec.timeout ?? DEFAULT_REVERT_TIMEOUT),
    concurrency: spec.concurrency ?? 1,
  });
}

export const revert = defineKind({
  key: 'revert',
  schema: RevertStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: true },
  handler: {
    start(ctx) {
      const requested = ctx.run.revert?.revertStep === ctx.step.id;
      if (!requested && !ctx.step.revert.always) return done('no failed step asked for a revert');
      const vms = selected(ctx);
      if (vms.length === 0) return failed('no VMs to revert: this run took no snapshot of the selected VMs');
      const name = snapshotName(ctx, vms);
      if (!name) return failed('no snapshot name: name one with revert: { name: … }, or take one with a snapshot step first');
      const problem = snapshotNameProblem(name);
      if (problem) return failed(problem);
      const because = ctx.run.revert ? ` because step ${ctx.run.revert.failedStep} failed (${ctx.run.revert.message})` : '';
      return ask({
        kind: 'type-to-confirm',
        question: `Revert ${vms.length} VM(s) to snapshot ${name}${because}: ${vms.join(', ')}. This discards every change these VMs made since the snapshot. Type ${REVERT_CONFIRM_WORD} to confirm`,
        expected: REVERT_CONFIRM_WORD,
      });
    },
    answer(ctx, { value, awaiting, prompt }) {
      if (prompt.kind !== 'type-to-confirm') return WAIT;
      if (value === false) return abort(`operator declined the revert at step ${ctx.step.id}`);
      // An empty answer or a typo never decides a revert either way: ask again.
      if (value !== prompt.expected) return ask({ ...prompt, error: `type ${prompt.expected} to revert, or quit to decide later` }, awaiting);
      const vms = selected(ctx);
      const name = snapshotName(ctx, vms);
      return name ? revertEffect(ctx, vms, name) : failed('no snapshot name');
    },
    resume(ctx, event, spent) {
      if (event.type === 'vm-snapshot-done' && spent.type === 'vm-snapshot') {
        // By VM once, not a scan of every snapshot per VM reverted.
        const taken = new Map<string, (typeof ctx.run.snapshots)[number][]>();
        for (const record of ctx.run.snapshots) if (record.name === spent.name) taken.set(record.vm, [...(taken.get(record.vm) ?? []), record]);
        const outcome = settleVmResults(ctx.state, event.results, 'reverted', 'the revert did not finish in time', (vm) => {
          for (const record of taken.get(vm) ?? []) record.state = 'reverted';
        });
        if (outcome.kind !== 'done') return outcome;
        // A disk-only snapshot comes back powered off: learn the states the revert left.
        return effect({ type: 'inventory', stepId: ctx.step.id });
      }
      if (event.type === 'inventory-failed') return failed(`reverted, but the VMs cannot be listed: ${event.message}`);
      if (event.type !== 'inventory-loaded') return WAIT;
      const run = ctx.run;
      loadVms(run, event.vms);
      // VMs that were running before the run and are off after the revert are this run's to start again.
      const known = new Set(run.stoppedByRun);
      const off = (run.vmsBefore ?? []).filter(
        (before) => before.state === 'running' && ctx.state.vmOutcomes?.[before.name] === 'reverted' && vmNamed(run, before.name)?.state === 'shut-off' && !known.has(before.name),
      );
      markStopped(
        run,
        off.map((before) => before.name),
      );
      for (const before of off) notice(run, event.at, `${before.name} is off after the revert; a start step brings it back`, 'info');
      return done(Object.keys(ctx.state.vmOutcomes ?? {}).length ? `${Object.keys(ctx.state.vmOutcomes ?? {}).length} reverted` : undefined);
    },
  },
  selector: (step) => step.revert.select ?? 'snapshotted-by-this-run',
  describe: (step) => `Reverts the selected VMs to ${step.revert.name ? `snapshot ${step.revert.name}` : "this run's snapshot"}${step.revert.always ? '' : ', only when a failed step asks for it'}.`,
});
