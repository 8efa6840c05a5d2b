// vms: the affected-VM table with what the runbook will do to each VM.
import { z } from 'zod';
import { done } from '../engine/outcome.js';
import { Common, Selector } from '../runbook/schema-parts.js';
import { defineKind } from './kind.js';
import { pauseToRead } from './note.js';

export const VmsStep = z.strictObject({
  ...Common,
  vms: z.strictObject({ select: Selector.optional() }).nullable(),
});

export const vms = defineKind({
  key: 'vms',
  schema: VmsStep,
  facts: { needsInventory: true, showsVmTable: true, perVm: false, destructive: false, pausesToRead: true },
  handler: {
    start: pauseToRead,
    answer: () => done(),
  },
  selector: (step) => step.vms?.select,
  describe: () => 'The VMs on this host and what this runbook will do to each.',
});
