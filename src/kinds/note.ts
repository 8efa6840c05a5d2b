// note: text the operator reads; in an interactive run it waits until they go on.
import { z } from 'zod';
import { ask, done, type Outcome } from '../engine/outcome.js';
import { Common } from '../runbook/schema-parts.js';
import { defineKind, type StepContext } from './kind.js';

export const NoteStep = z.strictObject({ ...Common, note: z.string() });

/** Notes and VM tables stop for reading in the console; line mode and --yes go straight on. */
export function pauseToRead(ctx: StepContext<unknown>): Outcome {
  return ctx.run.options.pauseToRead ? ask({ kind: 'continue', question: 'Press Enter to continue' }) : done();
}

export const note = defineKind({
  key: 'note',
  schema: NoteStep,
  facts: { needsInventory: false, showsVmTable: false, perVm: true, destructive: false },
  handler: {
    start: pauseToRead,
    answer: () => done(),
  },
  describe: (step, scope) => scope.text(step.note),
});
