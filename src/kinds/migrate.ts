// migrate: live-migrates the selected running VMs to another host.
import { z } from 'zod';
import { mustParseDuration } from '../runbook/duration.js';
import { abort, ask, done, effect, skipped, WAIT } from '../engine/outcome.js';
import { selectForStep, setVmState, settleVmResults } from '../engine/run-vms.js';
import { Common, Duration, Selector } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';

export const DEFAULT_MIGRATE_TIMEOUT = '30m';

export const MigrateStep = z.strictObject({
  ...Common,
  migrate: z.strictObject({
    select: Selector.optional(),
    to: z.string().min(1),
    timeout: Duration.optional(),
  }),
});

export const migrate = defineKind({
  key: 'migrate',
  schema: MigrateStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: true },
  handler: {
    start(ctx) {
      const spec = ctx.step.migrate;
      const names = selectForStep(ctx.run, ctx.step.id, spec.select ?? 'running', ctx.at)
        .filter((vm) => vm.state === 'running')
        .map((vm) => vm.name);
      if (names.length === 0) return done('no running VMs selected');
      return ask({ kind: 'select-vms', question: `Live-migrate to ${spec.to}: ${names.length} VM(s)`, options: names, selected: names, destructive: false });
    },
    answer(ctx, { value }) {
      const spec = ctx.step.migrate;
      if (value === false) return abort(`operator declined the migration at step ${ctx.step.id}`);
      const names = Array.isArray(value) ? value : [];
      if (names.length === 0) return skipped('operator selected no VMs');
      const timeoutMs = mustParseDuration(spec.timeout ?? DEFAULT_MIGRATE_TIMEOUT);
      return effect({ type: 'vm-power', stepId: ctx.step.id, action: 'migrate', vms: names, timeoutMs, concurrency: 1, to: spec.to });
    },
    resume(ctx, event) {
      if (event.type !== 'vm-power-done') return WAIT;
      const timeout = ctx.step.migrate.timeout ?? DEFAULT_MIGRATE_TIMEOUT;
      return settleVmResults(ctx.state, event.results, 'migrated', `did not migrate within ${timeout}`, (name) => setVmState(ctx.run, name, 'migrated'));
    },
  },
  selector: (step) => step.migrate.select ?? 'running',
  plan: (step, vm) => (vm.state === 'running' ? `migrate to ${step.migrate.to}` : undefined),
  describe: (step) => `Live-migrates the selected VMs to ${step.migrate.to}.`,
});
