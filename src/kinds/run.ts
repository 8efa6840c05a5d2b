// run: one command, here or on the host, with live output; its stdout may be captured.
import { z } from 'zod';
import { execEffect, failureText } from '../engine/exec-effect.js';
import { done, effect, failed, WAIT } from '../engine/outcome.js';
import { Command, Common, Rehearse, Identifier, Where } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';
import { expectsOutput } from '../engine/expect.js';

export const RunStep = z.strictObject({
  ...Common,
  run: Command,
  on: Where.optional(),
  capture: Identifier.optional().describe('Store the trimmed stdout in this variable.'),
  env: z.record(z.string(), z.string()).optional(),
  rehearse: Rehearse.optional(),
  verify: Command.optional().describe(
    'A check that exits 0 when the step has taken effect; run on resume when the outcome of the step is unknown, to help decide.',
  ),
});

export const run = defineKind({
  key: 'run',
  schema: RunStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: true, destructive: false, approvable: true },
  handler: {
    start: (ctx) => effect(execEffect(ctx.step.id, ctx.step.timeout, ctx.scope, ctx.step.run, { on: ctx.step.on, capture: Boolean(ctx.step.capture) || expectsOutput(ctx.run, ctx.step), env: ctx.step.env })),
    resume(ctx, event) {
      if (event.type !== 'exec-done') return WAIT;
      const spec = ctx.step;
      if (event.exitCode === 0 && !event.timedOut && !event.connectionLost) {
        if (spec.capture) ctx.run.vars[spec.capture] = ctx.run.options.dryRun ? `<output of ${spec.id}>` : (event.stdout ?? '').trim();
        return done(undefined, 0);
      }
      return failed(failureText(event, spec.timeout), event.exitCode);
    },
  },
  describe: (step, scope) => scope.command(step.run).display,
  variables: (step) => (step.capture ? [{ name: step.capture, secret: false }] : []),
  runsOn: (step) => step.on ?? 'local',
});
