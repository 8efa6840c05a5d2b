// input: asks for a value and keeps it in a variable for later steps.
import { z } from 'zod';
import { ask, done } from '../engine/outcome.js';
import { matchesWhole } from '../engine/pattern.js';
import { Common, Identifier } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';

export const InputStep = z.strictObject({
  ...Common,
  input: z.strictObject({
    prompt: z.string().min(1),
    var: Identifier,
    default: z.string().optional(),
    pattern: z.string().optional(),
    secret: z.boolean().optional(),
  }),
});

export const input = defineKind({
  key: 'input',
  schema: InputStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: false, destructive: false },
  handler: {
    start(ctx) {
      const spec = ctx.step.input;
      if (spec.secret && !ctx.run.secretNames.includes(spec.var)) ctx.run.secretNames.push(spec.var);
      return ask({ kind: 'input', question: ctx.scope.text(spec.prompt), default: spec.default, pattern: spec.pattern, secret: spec.secret });
    },
    answer(ctx, { value, awaiting, prompt }) {
      const spec = ctx.step.input;
      const text = String(value);
      if (spec.pattern && !matchesWhole(spec.pattern, text)) {
        const shown = spec.secret ? 'that value' : `"${text}"`;
        if (prompt.kind === 'input') return ask({ ...prompt, error: `${shown} does not match ${spec.pattern}` }, awaiting);
      }
      ctx.run.vars[spec.var] = text;
      return done();
    },
  },
  describe: (step, scope) => scope.text(step.input.prompt),
  variables: (step) => [{ name: step.input.var, secret: step.input.secret ?? false }],
});
