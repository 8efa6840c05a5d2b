// choice: picks one of the runbook's options and keeps it in a variable.
import { z } from 'zod';
import { ask, done } from '../engine/outcome.js';
import { Common, Identifier } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';

export const ChoiceStep = z.strictObject({
  ...Common,
  choice: z.strictObject({
    prompt: z.string().min(1),
    var: Identifier,
    options: z.array(z.string().min(1)).min(2),
    default: z.string().optional(),
  }),
});

export const choice = defineKind({
  key: 'choice',
  schema: ChoiceStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: false, destructive: false },
  handler: {
    start(ctx) {
      const spec = ctx.step.choice;
      const options = spec.options.map((value) => ({ value, label: value }));
      return ask({ kind: 'choice', question: ctx.scope.text(spec.prompt), options, default: spec.default });
    },
    answer(ctx, { value, awaiting, prompt }) {
      const spec = ctx.step.choice;
      const text = String(value);
      if (!spec.options.includes(text)) return ask(prompt, awaiting);
      ctx.run.vars[spec.var] = text;
      return done(text);
    },
  },
  describe: (step, scope) => scope.text(step.choice.prompt),
  variables: (step) => [{ name: step.choice.var, secret: false }],
});
