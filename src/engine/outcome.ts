// What a step handler asks the engine to do next. Handlers return one of these and never call
// back into the engine, so the engine alone decides how a step moves on.
import type { Awaiting, Effect, Prompt } from './types.js';

/** An effect as a handler names it; the engine gives it its id. */
export type NewEffect = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

export type Outcome =
  /** Perform this and come back with its event. */
  | { kind: 'effect'; effect: NewEffect }
  /** Ask the operator (or let --yes / --dry-run answer); the answer comes back to the handler. */
  | { kind: 'ask'; prompt: Prompt; awaiting: Awaiting }
  /** This pass of the step has ended. */
  | { kind: 'done'; status: 'done' | 'skipped'; message?: string; exitCode?: number | null }
  /** This pass failed: the step's on_failure policy decides what follows. */
  | { kind: 'failed'; message: string; exitCode?: number | null }
  /** The operator declined: the run ends here. */
  | { kind: 'abort'; reason: string }
  /** Nothing to do yet (an event that does not concern this step). */
  | { kind: 'wait' };

export const effect = (next: NewEffect): Outcome => ({ kind: 'effect', effect: next });
export const ask = (prompt: Prompt, awaiting: Awaiting = { purpose: 'step' }): Outcome => ({ kind: 'ask', prompt, awaiting });
export const done = (message?: string, exitCode?: number | null): Outcome => ({ kind: 'done', status: 'done', message, exitCode });
export const skipped = (message: string): Outcome => ({ kind: 'done', status: 'skipped', message });
export const failed = (message: string, exitCode?: number | null): Outcome => ({ kind: 'failed', message, exitCode });
export const abort = (reason: string): Outcome => ({ kind: 'abort', reason });
export const WAIT: Outcome = { kind: 'wait' };
