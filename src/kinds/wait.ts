// wait: runs a check every interval until it passes or the wait times out.
import { z } from 'zod';
import { formatDuration, mustParseDuration } from '../runbook/duration.js';
import { execEffect, failureText } from '../engine/exec-effect.js';
import { done, effect, failed, WAIT } from '../engine/outcome.js';
import { Command, Common, Rehearse, Duration, Where } from '../runbook/schema-parts.js';
import { defineKind, type StepContext } from './kind.js';

export const DEFAULT_WAIT_INTERVAL = '5s';
export const DEFAULT_WAIT_TIMEOUT = '5m';

export const WaitStep = z.strictObject({
  ...Common,
  rehearse: Rehearse.optional(),
  wait: z.strictObject({
    check: Command,
    on: Where.optional(),
    interval: Duration.optional().describe('Pause between checks (default 5s).'),
    timeout: Duration.optional().describe('Give up after this long (default 5m).'),
  }),
});

type WaitSpec = z.infer<typeof WaitStep>;
const check = (ctx: StepContext<WaitSpec>) => effect(execEffect(ctx.step.id, ctx.step.timeout, ctx.scope, ctx.step.wait.check, { on: ctx.step.wait.on }));

export const wait = defineKind({
  key: 'wait',
  schema: WaitStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: true, destructive: false },
  handler: {
    start(ctx) {
      ctx.state.pollingSince = ctx.at;
      return check(ctx);
    },
    resume(ctx, event) {
      if (event.type === 'slept') return check(ctx);
      if (event.type !== 'exec-done') return WAIT;
      const spec = ctx.step;
      const waited = event.at - (ctx.state.pollingSince ?? event.at);
      if (event.exitCode === 0 && !event.timedOut) return done(`passed after ${formatDuration(waited)}`, 0);
      const interval = mustParseDuration(spec.wait.interval ?? DEFAULT_WAIT_INTERVAL);
      const limit = spec.wait.timeout ?? DEFAULT_WAIT_TIMEOUT;
      if (waited + interval > mustParseDuration(limit)) {
        return failed(`check did not pass within ${limit} (last: ${failureText(event, spec.timeout)})`, event.exitCode);
      }
      return effect({ type: 'sleep', stepId: spec.id, ms: interval, reason: 'poll' });
    },
  },
  describe: (step, scope) => `waits until this passes: ${scope.command(step.wait.check).display}`,
  runsOn: (step) => step.wait.on ?? 'local',
});
