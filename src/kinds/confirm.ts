// confirm: a yes/no question; no ends the run or skips the step, as the runbook says.
import { z } from 'zod';
import { abort, ask, done, skipped } from '../engine/outcome.js';
import { Common } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';

export const ConfirmStep = z.strictObject({
  ...Common,
  confirm: z.union([
    z.string().min(1),
    z.strictObject({ prompt: z.string().min(1), on_no: z.enum(['abort', 'skip']).optional() }),
  ]),
});

type ConfirmSpec = z.infer<typeof ConfirmStep>['confirm'];
const question = (spec: ConfirmSpec) => (typeof spec === 'string' ? spec : spec.prompt);

export const confirm = defineKind({
  key: 'confirm',
  schema: ConfirmStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: true, destructive: false },
  handler: {
    start: (ctx) => ask({ kind: 'confirm', question: ctx.scope.text(question(ctx.step.confirm)), destructive: false }),
    answer(ctx, { value }) {
      if (value === true) return done('confirmed');
      const spec = ctx.step.confirm;
      const onNo = typeof spec === 'string' ? 'abort' : (spec.on_no ?? 'abort');
      return onNo === 'skip' ? skipped('operator answered no') : abort(`operator answered no at step ${ctx.step.id}`);
    },
  },
  describe: (step, scope) => scope.text(question(step.confirm)),
});
