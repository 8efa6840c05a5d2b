// How long things took, the same words in both renderers.
import type { RunState, StepState } from '../engine/types.js';
import { formatDuration } from '../runbook/duration.js';

/** " in 3s" for a step or run that has ended, "" otherwise. */
export function took(span: { startedAt?: number; endedAt?: number }): string {
  return span.startedAt !== undefined && span.endedAt !== undefined ? ` in ${formatDuration(span.endedAt - span.startedAt)}` : '';
}

/** How long a running step has been going, for a ticking clock; undefined when it is not running. */
export function elapsed(step: StepState | undefined, now: number): string | undefined {
  if (step?.status !== 'running' || step.startedAt === undefined) return undefined;
  return formatDuration(Math.max(0, now - step.startedAt));
}

export function runTook(run: RunState): string {
  return took(run);
}
