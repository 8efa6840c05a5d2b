// drain: empties the member being patched by live migration. It plans a destination for every
// running VM (free memory and vCPUs on the other members, anti-affinity, VMs that cannot move),
// shows the plan and asks before moving anything; a shortfall or an unmovable VM is a decision,
// never a silent overcommit, and each failed migration is decided VM by VM.
import { z } from 'zod';
import { abort, ask, done, effect, failed, skipped, WAIT, type Outcome } from '../engine/outcome.js';
import { markStopped, notice, selectForStep } from '../engine/run-vms.js';
import type { DrainPlan, MovingWork, Prompt } from '../engine/types.js';
import { Common, Selector } from '../runbook/schema-parts.js';
import { DRAIN_CONCURRENCY, DRAIN_SHUTDOWN_TIMEOUT_MS } from '../limits.js';
import { currentMember } from '../rolling/cluster-runbook.js';
import { giveUpMember } from '../rolling/rolling-engine.js';
import { movingWork, membersCapacity, migrateNext, movedTo, placementVm } from '../rolling/moving.js';
import { PlacementError, planPlacement } from '../rolling/placement.js';
import { clusterFields } from '../rolling/cluster-runbook.js';
import { defineKind, type StepContext } from './kind.js';

export const DrainStep = z.strictObject({
  ...Common,
  drain: z.strictObject({
    select: Selector.optional().describe('The VMs to move off the member (default running).'),
    placement: z
      .union([z.literal('auto'), z.record(z.string(), z.string())])
      .optional()
      .describe('auto (default) plans every destination; { VM: MEMBER } pins some.'),
    prefer: z.enum(['patched', 'least-loaded']).optional().describe('Which members take VMs first (default patched).'),
    unmovable: z
      .enum(['shutdown', 'ask', 'skip-host'])
      .optional()
      .describe('A VM that cannot live-migrate (local disk, passthrough, tag no-migrate): shut it down, ask (default), or skip the host.'),
  }),
});

type Ctx = StepContext<z.infer<typeof DrainStep>>;

const work = movingWork;

const STOP_CHOICES = (member: string) => [
  { value: 'skip-host', label: `Skip host ${member} (leave it unpatched, bring back what moved)` },
  { value: 'abort', label: 'Abort the rolling' },
];

function skipHost(ctx: Ctx, member: string, why: string): Outcome {
  giveUpMember(ctx.run, member, 'skipped', why, ctx.at);
  return skipped(`host ${member} skipped: ${why}`);
}

function plan(ctx: Ctx, member: string): DrainPlan {
  const run = ctx.run;
  const spec = ctx.step.drain;
  const rolling = run.rolling;
  const patched = new Set(
    (rolling?.members ?? [])
      .filter((candidate) => {
        const segment = rolling?.segments[candidate.name];
        const last = segment ? run.steps[segment.last] : undefined;
        return !rolling?.givenUp[candidate.name] && last !== undefined && last.status !== 'pending' && last.status !== 'running';
      })
      .map((candidate) => candidate.name),
  );
  const vms = selectForStep(run, ctx.step.id, spec.select ?? 'running', ctx.at).filter((vm) => vm.state === 'running' || vm.state === 'paused');
  let result: ReturnType<typeof planPlacement>;
  try {
    result = planPlacement({
    from: member,
    vms: vms.map(placementVm),
    members: membersCapacity(run, patched),
    placement: spec.placement ?? 'auto',
    prefer: spec.prefer ?? 'patched',
    antiAffinity: clusterFields(run.runbook).cluster?.anti_affinity ?? [],
    });
  } catch (error) {
    if (!(error instanceof PlacementError)) throw error;
    // A pin that names a VM or member this drain does not have: nothing is planned, the operator decides.
    notice(run, ctx.at, `${ctx.step.id}: ${error.message}`);
    result = { moves: [], unmovable: [], unplaced: vms.map((vm) => ({ vm: vm.name, why: error.message })), shortfall: { memory_mib: 0, vcpus: 0 } };
  }
  return { member, stepId: ctx.step.id, ...result };
}

/** The next question the plan needs answered, or the first migration once all are. */
function next(ctx: Ctx): Outcome {
  const member = currentMember(ctx.run)?.name ?? '?';
  const moving = work(ctx);
  const drainPlan = ctx.run.rolling?.plan;
  if (!drainPlan) return failed('internal: the drain has no plan');
  const policy = ctx.step.drain.unmovable ?? 'ask';
  const need = (about: string) => !moving.decided.includes(about);
  if (drainPlan.unplaced.length && need('shortfall')) {
    const short = drainPlan.shortfall;
    return ask(
      {
        kind: 'choice',
        question: `The other members are short by ${short?.memory_mib ?? 0} MiB and ${short?.vcpus ?? 0} vCPU(s): ${drainPlan.unplaced.length} VM(s) of ${member} have no place (${drainPlan.unplaced.map((vm) => vm.vm).join(', ')}). What now?`,
        options: [{ value: 'shutdown-rest', label: `Migrate what fits and shut down the ${drainPlan.unplaced.length} that do not` }, ...STOP_CHOICES(member)],
        // --yes shuts VMs down only where the runbook allows unattended runs; otherwise it asks.
        yesAnswer: 'shutdown-rest',
        destructive: true,
      },
      { purpose: 'rolling', about: 'shortfall' },
    );
  }
  if (drainPlan.unmovable.length && need('unmovable')) {
    const names = drainPlan.unmovable.map((vm) => vm.vm);
    if (policy === 'shutdown') {
      moving.decided.push('unmovable');
      moving.shutdown.push(...names.filter((name) => !moving.shutdown.includes(name)));
    } else if (policy === 'skip-host') {
      return skipHost(ctx, member, `${names.join(', ')} cannot live-migrate (unmovable: skip-host)`);
    } else {
      return ask(
        {
          kind: 'choice',
          question: `${drainPlan.unmovable.length} VM(s) on ${member} cannot live-migrate: ${drainPlan.unmovable.map((vm) => `${vm.vm} (${vm.why})`).join(', ')}. What now?`,
          options: [{ value: 'shutdown', label: 'Shut them down for the reboot (started again after it)' }, ...STOP_CHOICES(member)],
          yesAnswer: 'shutdown',
          destructive: true,
        },
        { purpose: 'rolling', about: 'unmovable' },
      );
    }
  }
  if (need('plan')) {
    const off = moving.shutdown.length ? `, then shut down ${moving.shutdown.length} (${moving.shutdown.join(', ')})` : '';
    return ask(
      {
        kind: 'choice',
        question: `Drain ${member}: live-migrate ${drainPlan.moves.length} VM(s) as planned${off}?`,
        options: [{ value: 'go', label: 'Go: migrate as planned' }, ...STOP_CHOICES(member)],
        yesAnswer: 'go',
      },
      { purpose: 'rolling', about: 'plan' },
    );
  }
  return afterMoves(ctx);
}

/** Migrations left, then failures to decide, then the shutdowns, then done. */
function afterMoves(ctx: Ctx): Outcome {
  const moving = work(ctx);
  const member = currentMember(ctx.run)?.name ?? '?';
  const migration = migrateNext(ctx.step.id, moving);
  if (migration) return migration;
  const failure = moving.failed[0];
  if (failure) {
    const options: Prompt & { kind: 'choice' } = {
      kind: 'choice',
      question: `${failure.vm} did not migrate from ${member} to ${failure.to}: ${failure.message}. What now?`,
      options: [
        { value: 'retry', label: `Retry the migration to ${failure.to}` },
        ...(failure.noOther ? [] : [{ value: 'another', label: 'Pick another host' }]),
        { value: 'shutdown', label: `Shut ${failure.vm} down instead (started again after the reboot)` },
        ...STOP_CHOICES(member),
      ],
      // --yes retries once, then shuts the VM down (with the runbook's consent to unattended runs).
      yesAnswer: moving.decided.includes(`retried:${failure.vm}`) ? 'shutdown' : 'retry',
      destructive: moving.decided.includes(`retried:${failure.vm}`),
    };
    return ask(options, { purpose: 'rolling', about: 'failed-migration', vm: failure.vm });
  }
  const off = moving.shutdown.filter((name) => currentMember(ctx.run)?.name === ctx.run.vms?.[ctx.run.vmIndex?.[name] ?? -1]?.host);
  if (off.length) {
    moving.shutdown = [];
    return effect({ type: 'vm-power', stepId: ctx.step.id, action: 'shutdown', vms: off, timeoutMs: DRAIN_SHUTDOWN_TIMEOUT_MS, concurrency: DRAIN_CONCURRENCY });
  }
  const moved = Object.values(ctx.state.vmOutcomes ?? {}).filter((outcome) => outcome === 'migrated').length;
  const stopped = Object.values(ctx.state.vmOutcomes ?? {}).filter((outcome) => outcome === 'stopped').length;
  return done(`${member} drained: ${moved} migrated${stopped ? `, ${stopped} shut down` : ''}`);
}

export const drain = defineKind({
  key: 'drain',
  schema: DrainStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: true },
  handler: {
    start(ctx) {
      if (!currentMember(ctx.run)) return failed('drain: runs only in the per_host steps of a cluster runbook');
      ctx.state.moving = { pending: [], failed: [], shutdown: [], decided: [] };
      return effect({ type: 'capacity', stepId: ctx.step.id });
    },
    answer(ctx, { value, awaiting }) {
      const member = currentMember(ctx.run)?.name ?? '?';
      const moving = work(ctx);
      const drainPlan = ctx.run.rolling?.plan;
      if (awaiting.purpose !== 'rolling' || !drainPlan) return WAIT;
      if (value === 'abort') return abort(`the operator aborted the rolling at step ${ctx.step.id}`);
      if (value === 'skip-host') return skipHost(ctx, member, `the operator skipped it at step ${ctx.step.id}`);
      if (awaiting.about === 'failed-migration') {
        const failure = moving.failed.shift();
        if (!failure) return afterMoves(ctx);
        if (value === 'retry') {
          moving.pending.unshift({ vm: failure.vm, to: failure.to });
          moving.decided.push(`retried:${failure.vm}`);
        }
        else if (value === 'shutdown') moving.shutdown.push(failure.vm);
        else if (value === 'another') {
          const vm = ctx.run.vms?.[ctx.run.vmIndex?.[failure.vm] ?? -1];
          const capacity = membersCapacity(ctx.run, new Set()).filter((candidate) => candidate.name !== failure.to);
          const again = vm
            ? planPlacement({ from: member, vms: [placementVm(vm)], members: capacity, placement: 'auto', prefer: ctx.step.drain.prefer ?? 'patched', antiAffinity: clusterFields(ctx.run.runbook).cluster?.anti_affinity ?? [] })
            : undefined;
          const move = again?.moves[0];
          if (move) {
            drainPlan.moves.push({ ...move, why: `after ${failure.to} failed: ${move.why}` });
            moving.pending.unshift({ vm: failure.vm, to: move.to });
          } else {
            moving.failed.unshift({ ...failure, message: `${failure.message}; no other member has room for it`, noOther: true });
          }
        }
        return afterMoves(ctx);
      }
      moving.decided.push(awaiting.about);
      if (awaiting.about === 'shortfall') moving.shutdown.push(...drainPlan.unplaced.map((vm) => vm.vm));
      if (awaiting.about === 'unmovable') moving.shutdown.push(...drainPlan.unmovable.map((vm) => vm.vm));
      if (awaiting.about === 'plan') moving.pending.push(...drainPlan.moves.map((move) => ({ vm: move.vm, to: move.to })));
      return next(ctx);
    },
    resume(ctx, event, spent) {
      const run = ctx.run;
      if (event.type === 'capacity-loaded') {
        const member = currentMember(run)?.name ?? '?';
        if (run.rolling) {
          run.rolling.free = Object.fromEntries(event.members.map((free) => [free.name, free]));
          run.rolling.plan = plan(ctx, member);
        }
        const drainPlan = run.rolling?.plan;
        if (!drainPlan || drainPlan.moves.length + drainPlan.unmovable.length + drainPlan.unplaced.length === 0) return done(`no running VMs on ${member}`);
        return next(ctx);
      }
      if (event.type !== 'vm-power-done' || spent.type !== 'vm-power') return WAIT;
      const moving = work(ctx);
      if (spent.action === 'migrate') {
        for (const result of event.results) {
          if (result.outcome === 'ok') movedTo(ctx, result.name, spent.to ?? '?', event.at);
          else moving.failed.push({ vm: result.name, to: spent.to ?? '?', message: result.outcome === 'timeout' ? 'timed out' : (result.message ?? 'failed') });
        }
        return afterMoves({ ...ctx, at: event.at });
      }
      const problems: string[] = [];
      const stopped: string[] = [];
      for (const result of event.results) {
        if (result.outcome === 'ok') {
          (ctx.state.vmOutcomes ??= {})[result.name] = 'stopped';
          stopped.push(result.name);
        } else problems.push(`${result.name}: did not shut down (${result.message ?? result.outcome})`);
      }
      markStopped(run, stopped);
      return problems.length ? failed(problems.join('; ')) : afterMoves({ ...ctx, at: event.at });
    },
  },
  selector: (step) => step.drain.select ?? 'running',
  plan: (_step, vm) => (vm.state === 'running' ? (vm.unmovable || vm.tags.includes('no-migrate') ? 'cannot migrate' : 'migrate away') : undefined),
  describe: (step) => `Plans where each VM goes (${step.drain.prefer ?? 'patched'} members first), shows the plan, and live-migrates the VMs off this host.`,
});
