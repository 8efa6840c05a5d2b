// note: text the operator reads; in an interactive run it waits until they go on.
import { z } from 'zod';
import { ask, done, type Outcome } from '../engine/outcome.js';
import { Common } from '../runbook/schema-parts.js';
import { defineKind, type StepContext } from './kind.js';

export const NoteStep = z.strictObject({
  ...Common,
  note: z.string(),
  pause: z.boolean().optional().describe('Wait for Enter in an interactive run (default true).'),
});

/** VM tables (and every note) stop for reading in training mode; elsewhere they go straight on. */
export function pauseToRead(ctx: StepContext<unknown>): Outcome {
  return ctx.run.options.pauseToRead ? ask({ kind: 'continue', question: 'Press Enter to continue' }) : done();
}

/** A note is a gate in an interactive run: "take a storage snapshot first" must be read, not
 * scrolled past. --yes, dry runs and runs without a terminal print it and go on. */
function gate(ctx: StepContext<z.infer<typeof NoteStep>>): Outcome {
  const { options } = ctx.run;
  if (options.pauseToRead) return pauseToRead(ctx);
  // Guided mode waits at every step, notes included.
  const waits = (options.pauseNotes || options.guided) && !options.yes && !options.dryRun && ctx.step.pause !== false;
  return waits ? ask({ kind: 'continue', question: 'Read it? Press Enter to go on' }) : done();
}

export const note = defineKind({
  key: 'note',
  schema: NoteStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: true, destructive: false },
  handler: {
    start: gate,
    answer: () => done(),
  },
  describe: (step, scope) => scope.text(step.note),
  text: (step) => step.note,
});
