// shutdown: asks which VMs to stop, shuts them down (gracefully or by force), and asks what to do
// with a VM that did not stop in time.
import { z } from 'zod';
import { mustParseDuration } from '../runbook/duration.js';
import { abort, ask, done, effect, failed, skipped, WAIT, type Outcome } from '../engine/outcome.js';
import { markStopped, notice, selectForStep, setOutcome, settleVmResults } from '../engine/run-vms.js';
import { Common, Duration, Selector } from '../runbook/schema-parts.js';
import { defineKind, type StepContext } from './kind.js';

export const DEFAULT_SHUTDOWN_TIMEOUT = '5m';
export const DEFAULT_SHUTDOWN_CONCURRENCY = 4;

export const ShutdownStep = z.strictObject({
  ...Common,
  shutdown: z.strictObject({
    select: Selector.optional(),
    mode: z.enum(['graceful', 'force']).optional(),
    timeout: Duration.optional().describe('How long a graceful shutdown may take per VM (default 5m).'),
    then: z
      .enum(['ask', 'force', 'skip', 'abort'])
      .optional()
      .describe('What to do with a VM that did not shut down in time (default ask).'),
    concurrency: z.number().int().min(1).max(64).optional(),
  }),
});

type Spec = z.infer<typeof ShutdownStep>;
type Ctx = StepContext<Spec>;

const timeoutOf = (step: Spec) => step.shutdown.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT;

function power(ctx: Ctx, action: 'shutdown' | 'poweroff', vms: string[], concurrency = 1): Outcome {
  return effect({ type: 'vm-power', stepId: ctx.step.id, action, vms, timeoutMs: mustParseDuration(timeoutOf(ctx.step)), concurrency });
}

/** The next VM that did not stop in time, by the runbook's `then:` policy; the step ends when none is left. */
function nextTimedOut(ctx: Ctx): Outcome {
  const { state, step } = ctx;
  const name = state.vmQueue?.[0];
  if (!name) {
    const failures = Object.entries(state.vmOutcomes ?? {}).filter(([, outcome]) => outcome === 'failed');
    return failures.length ? failed(failures.map(([vm]) => `${vm}: did not stop`).join('; ')) : settleVmResults(state, [], 'stopped', '');
  }
  const timeout = timeoutOf(step);
  const then = step.shutdown.then ?? 'ask';
  if (then === 'force') {
    state.vmQueue = state.vmQueue?.slice(1);
    return power(ctx, 'poweroff', [name]);
  }
  if (then === 'skip') {
    state.vmQueue = state.vmQueue?.slice(1);
    setOutcome(state, name, 'left-running');
    notice(ctx.run, ctx.at, `${name} did not shut down within ${timeout} and was left running`);
    return nextTimedOut(ctx);
  }
  if (then === 'abort') {
    state.vmQueue = [];
    return failed(`${name} did not shut down within ${timeout}`);
  }
  return ask(
    {
      kind: 'choice',
      question: `${name} did not shut down within ${timeout}. What now?`,
      options: [
        { value: 'force', label: 'Force power-off (like pulling the plug)' },
        { value: 'wait', label: `Wait another ${timeout}` },
        { value: 'skip', label: 'Leave it running' },
      ],
      yesAnswer: 'force',
      destructive: true,
    },
    { purpose: 'step', vm: name },
  );
}

export const shutdown = defineKind({
  key: 'shutdown',
  schema: ShutdownStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: true },
  handler: {
    start(ctx) {
      const spec = ctx.step.shutdown;
      ctx.state.vmQueue = [];
      const names = selectForStep(ctx.run, ctx.step.id, spec.select ?? 'running', ctx.at)
        .filter((vm) => vm.state === 'running' || vm.state === 'paused')
        .map((vm) => vm.name);
      if (names.length === 0) return done('no running VMs selected');
      const force = spec.mode === 'force';
      const how = force ? 'Force power-off' : `Shut down (graceful, up to ${timeoutOf(ctx.step)} each)`;
      return ask({ kind: 'select-vms', question: `${how}: ${names.length} VM(s)`, options: names, selected: names, destructive: force });
    },
    answer(ctx, { value, awaiting }) {
      const { state, step } = ctx;
      if (awaiting.purpose === 'step' && awaiting.vm) {
        const vm = awaiting.vm;
        state.vmQueue = state.vmQueue?.filter((name) => name !== vm);
        if (value === 'force') return power(ctx, 'poweroff', [vm]);
        if (value === 'wait') return power(ctx, 'shutdown', [vm]);
        setOutcome(state, vm, 'left-running');
        return nextTimedOut(ctx);
      }
      if (value === false) return abort(`operator declined the shutdown at step ${step.id}`);
      const names = Array.isArray(value) ? value : [];
      if (names.length === 0) return skipped('operator selected no VMs');
      return power(ctx, step.shutdown.mode === 'force' ? 'poweroff' : 'shutdown', names, step.shutdown.concurrency ?? DEFAULT_SHUTDOWN_CONCURRENCY);
    },
    resume(ctx, event, spent) {
      if (event.type !== 'vm-power-done' || spent.type !== 'vm-power') return WAIT;
      const { state } = ctx;
      const stopped: string[] = [];
      for (const result of event.results) {
        if (result.outcome === 'ok') {
          setOutcome(state, result.name, spent.action === 'poweroff' ? 'forced' : 'stopped');
          stopped.push(result.name);
        } else if (result.outcome === 'timeout' && spent.action === 'shutdown') {
          setOutcome(state, result.name, 'timed-out');
          (state.vmQueue ??= []).push(result.name);
        } else {
          setOutcome(state, result.name, 'failed');
          notice(ctx.run, event.at, `${result.name}: ${result.message ?? result.outcome}`);
        }
      }
      markStopped(ctx.run, stopped);
      return nextTimedOut({ ...ctx, at: event.at });
    },
  },
  selector: (step) => step.shutdown.select ?? 'running',
  plan: (step, vm) => (vm.state === 'running' || vm.state === 'paused' ? (step.shutdown.mode === 'force' ? 'force off' : 'shut down') : undefined),
  describe: (step) => `${step.shutdown.mode === 'force' ? 'Forces off' : 'Shuts down'} the selected VMs (${JSON.stringify(step.shutdown.select ?? 'running')}).`,
});
