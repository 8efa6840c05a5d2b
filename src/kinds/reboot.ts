// reboot: a typed confirmation, the host reboot, the wait for it to come back, and a fresh VM list.
import { z } from 'zod';
import { formatDuration, mustParseDuration } from '../runbook/duration.js';
import { targetName } from '../engine/context.js';
import { abort, ask, done, effect, failed, WAIT, type Outcome } from '../engine/outcome.js';
import { loadVms, notice, vmNamed, vmsInScope } from '../engine/run-vms.js';
import { Command, Common, Duration } from '../runbook/schema-parts.js';
import { defineKind, type StepContext } from './kind.js';

export const DEFAULT_REBOOT_WAIT = '15m';

export const RebootStep = z.strictObject({
  ...Common,
  reboot: z.strictObject({
    confirm: z.enum(['type-host-name', 'yes-no', 'none']).optional(),
    wait: Duration.optional().describe('How long to wait for the host to come back (default 15m).'),
    command: Command.optional(),
    boot_id: Command.optional().describe('Prints an id that changes on every boot.'),
    check: Command.optional().describe('Must pass before the host counts as back.'),
  }),
});

type Ctx = StepContext<z.infer<typeof RebootStep>>;

const runningNames = (ctx: Ctx) => vmsInScope(ctx.run).filter((vm) => vm.state === 'running').map((vm) => vm.name);

function issueReboot(ctx: Ctx): Outcome {
  const spec = ctx.step.reboot;
  ctx.state.runningBefore = runningNames(ctx);
  return effect({
    type: 'reboot',
    stepId: ctx.step.id,
    host: targetName(ctx.run),
    waitMs: mustParseDuration(spec.wait ?? DEFAULT_REBOOT_WAIT),
    command: spec.command ? ctx.scope.command(spec.command).command : undefined,
    bootId: spec.boot_id ? ctx.scope.command(spec.boot_id).command : undefined,
    check: spec.check ? ctx.scope.command(spec.check).command : undefined,
  });
}

export const reboot = defineKind({
  key: 'reboot',
  schema: RebootStep,
  facts: { needsInventory: true, showsVmTable: false, perVm: false, destructive: true, restartsHost: true },
  handler: {
    start(ctx) {
      const host = targetName(ctx.run);
      const running = runningNames(ctx);
      const warning = running.length ? ` ${running.length} VM(s) still running will go down hard: ${running.join(', ')}.` : '';
      const confirm = ctx.step.reboot.confirm ?? 'type-host-name';
      if (confirm === 'none') return issueReboot(ctx);
      if (confirm === 'yes-no') return ask({ kind: 'confirm', question: `Reboot ${host} now?${warning}`, destructive: true });
      return ask({ kind: 'type-to-confirm', question: `This reboots ${host}.${warning} Type the host name to confirm`, expected: host });
    },
    answer(ctx, { value, awaiting, prompt }) {
      if (prompt.kind === 'type-to-confirm' && value !== prompt.expected) {
        if (value === false) return abort(`operator declined the reboot at step ${ctx.step.id}`);
        // An empty answer or a typo never decides a reboot either way: ask again.
        const error = value === '' ? 'an empty answer decides nothing here' : `"${String(value)}" is not ${prompt.expected}`;
        return ask({ ...prompt, error: `${error}; type the host name exactly, or quit` }, awaiting);
      }
      if (value === false) return abort(`operator declined the reboot at step ${ctx.step.id}`);
      return issueReboot(ctx);
    },
    resume(ctx, event) {
      if (event.type === 'reboot-done') {
        if (event.outcome === 'back') return effect({ type: 'inventory', stepId: ctx.step.id });
        const wait = ctx.step.reboot.wait ?? DEFAULT_REBOOT_WAIT;
        return failed(
          event.outcome === 'timeout'
            ? `the host did not come back within ${wait}${event.message ? ` (${event.message})` : ''}`
            : (event.message ?? 'reboot failed'),
        );
      }
      if (event.type === 'inventory-failed') return failed(`the host is back but its VMs cannot be listed: ${event.message}`);
      if (event.type !== 'inventory-loaded') return WAIT;
      const run = ctx.run;
      loadVms(run, event.vms);
      const known = new Set(run.stoppedByRun);
      for (const name of ctx.state.runningBefore ?? []) {
        const vm = vmNamed(run, name);
        if (vm && vm.state !== 'running' && !known.has(name)) {
          known.add(name);
          run.stoppedByRun.push(name);
          notice(run, event.at, `${name} was running and went down with the host`);
        }
      }
      return done(`host back after ${formatDuration(event.at - (ctx.state.startedAt ?? event.at))}`);
    },
  },
  describe: (_step, scope) => `Reboots ${scope.text('{{ target.name }}')} and waits for it to come back.`,
});
