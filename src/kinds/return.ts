// return: brings the VMs this run drained off the member back to it, once the member is back.
import { z } from 'zod';
import { abort, ask, done, WAIT, type Outcome } from '../engine/outcome.js';
import { vmNamed } from '../engine/run-vms.js';
import type { MovingWork } from '../engine/types.js';
import { Common } from '../runbook/schema-parts.js';
import { currentMember } from '../rolling/cluster-runbook.js';
import { migrateNext, movedTo } from '../rolling/moving.js';
import { defineKind, type StepContext } from './kind.js';

export const ReturnStep = z.strictObject({
  ...Common,
  return: z.strictObject({
    select: z.literal('drained-by-this-run').optional().describe('The VMs this run drained off the member (the default, and the only choice).'),
  }),
});

type Ctx = StepContext<z.infer<typeof ReturnStep>>;

const work = (ctx: Ctx): MovingWork => (ctx.state.moving ??= { pending: [], failed: [], shutdown: [], decided: [] });

/** The VMs drained off `member` by this run that are not home yet, running elsewhere. */
export function awayFrom(ctx: Pick<Ctx, 'run'>, member: string): string[] {
  return Object.entries(ctx.run.rolling?.drained ?? {})
    .filter(([name, drained]) => drained.from === member && !drained.returned && vmNamed(ctx.run, name)?.host !== member)
    .map(([name]) => name);
}

function afterMoves(ctx: Ctx): Outcome {
  const moving = work(ctx);
  const member = currentMember(ctx.run)?.name ?? '?';
  const migration = migrateNext(ctx.step.id, moving);
  if (migration) return migration;
  const failure = moving.failed[0];
  if (failure) {
    return ask(
      {
        kind: 'choice',
        question: `${failure.vm} did not migrate back to ${member}: ${failure.message}. What now?`,
        options: [
          { value: 'retry', label: 'Retry the migration' },
          { value: 'leave', label: `Leave it running where it is (${vmNamed(ctx.run, failure.vm)?.host ?? '?'})` },
          { value: 'abort', label: 'Abort the rolling' },
        ],
        yesAnswer: 'leave',
      },
      { purpose: 'rolling', about: 'failed-return', vm: failure.vm },
    );
  }
  const back = Object.values(ctx.state.vmOutcomes ?? {}).filter((outcome) => outcome === 'migrated').length;
  const left = Object.values(ctx.state.vmOutcomes ?? {}).filter((outcome) => outcome === 'left-running').length;
  return done(`${back} VM(s) back on ${member}${left ? `, ${left} left where they are` : ''}`);
}

export const returnKind = defineKind({
  key: 'return',
  schema: ReturnStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: true },
  handler: {
    start(ctx) {
      const member = currentMember(ctx.run)?.name;
      if (!member) return done('not in a cluster member: nothing to bring back');
      const names = awayFrom(ctx, member).filter((name) => vmNamed(ctx.run, name)?.state === 'running');
      if (names.length === 0) return done(`no VMs to bring back to ${member}`);
      ctx.state.moving = { pending: names.map((vm) => ({ vm, to: member })), failed: [], shutdown: [], decided: [] };
      return afterMoves(ctx);
    },
    answer(ctx, { value, awaiting }) {
      if (awaiting.purpose !== 'rolling') return WAIT;
      const moving = work(ctx);
      const failure = moving.failed.shift();
      if (value === 'abort') return abort(`the operator aborted the rolling at step ${ctx.step.id}`);
      if (failure && value === 'retry') moving.pending.unshift({ vm: failure.vm, to: failure.to });
      if (failure && value === 'leave') (ctx.state.vmOutcomes ??= {})[failure.vm] = 'left-running';
      return afterMoves(ctx);
    },
    resume(ctx, event, spent) {
      if (event.type !== 'vm-power-done' || spent.type !== 'vm-power') return WAIT;
      const moving = work(ctx);
      for (const result of event.results) {
        if (result.outcome === 'ok') movedTo(ctx, result.name, spent.to ?? '?', event.at, true);
        else moving.failed.push({ vm: result.name, to: spent.to ?? '?', message: result.outcome === 'timeout' ? 'timed out' : (result.message ?? 'failed') });
      }
      return afterMoves({ ...ctx, at: event.at });
    },
  },
  plan: () => undefined,
  describe: () => 'Live-migrates the VMs this run drained off this host back to it.',
});
