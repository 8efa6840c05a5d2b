// start: starts VMs (by default the ones this run stopped), in the runbook's order.
import { z } from 'zod';
import { mustParseDuration } from '../runbook/duration.js';
import { done, effect, WAIT } from '../engine/outcome.js';
import { selectForStep, setOutcome, setVmState, settleVmResults } from '../engine/run-vms.js';
import { startOrder } from '../engine/select.js';
import { Common, Duration, Selector } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';

export const DEFAULT_START_TIMEOUT = '5m';
export const DEFAULT_START_CONCURRENCY = 4;

export const StartStep = z.strictObject({
  ...Common,
  start: z.strictObject({
    select: Selector.optional(),
    order: z.array(z.string()).optional().describe('VM names to start first, in this order (one at a time).'),
    timeout: Duration.optional(),
    concurrency: z.number().int().min(1).max(64).optional().describe('VMs started at once after the ordered ones (default 4).'),
  }),
});

export const start = defineKind({
  key: 'start',
  schema: StartStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: false },
  handler: {
    start(ctx) {
      const spec = ctx.step.start;
      const selected = selectForStep(ctx.run, ctx.step.id, spec.select ?? 'stopped-by-this-run', ctx.at);
      for (const vm of selected) if (vm.state === 'running') setOutcome(ctx.state, vm.name, 'already running');
      const toStart = startOrder(
        selected.filter((vm) => vm.state === 'shut-off' || vm.state === 'paused'),
        spec.order,
      );
      if (toStart.length === 0) return done(selected.length ? 'all selected VMs are already running' : 'no VMs to start');
      // An explicit order means one at a time, so each VM is up before the next one starts.
      const concurrency = spec.order?.length ? 1 : (spec.concurrency ?? DEFAULT_START_CONCURRENCY);
      return effect({
        type: 'vm-power',
        stepId: ctx.step.id,
        action: 'start',
        vms: toStart.map((vm) => vm.name),
        timeoutMs: mustParseDuration(spec.timeout ?? DEFAULT_START_TIMEOUT),
        concurrency,
      });
    },
    resume(ctx, event) {
      if (event.type !== 'vm-power-done') return WAIT;
      return settleVmResults(ctx.state, event.results, 'started', 'did not start in time', (name) => setVmState(ctx.run, name, 'running'));
    },
  },
  selector: (step) => step.start.select ?? 'stopped-by-this-run',
  describe: (step) => `Starts the selected VMs (${JSON.stringify(step.start.select ?? 'stopped-by-this-run')}).`,
});
