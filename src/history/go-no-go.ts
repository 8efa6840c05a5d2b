// Whether a step needs a go or no-go before it starts, and the figures the question names: before a
// reboot, and before any step whose median would not fit in what is left of the window. Pure.
import type { Step } from '../runbook/schema.js';
import type { RunState } from '../engine/types.js';
import { formatDuration, mustParseDuration } from '../runbook/duration.js';

export interface GoNoGo {
  question: string;
  /** "reboot took a median of 6m in 5 runs; 4m of the window left" */
  figures: string;
}

export function goNoGoFor(state: RunState, step: Step, kind: string, at: number): GoNoGo | undefined {
  const figure = state.options.history?.steps[step.id];
  if (!figure || state.options.dryRun) return undefined;
  const took = `${step.id} took a median of ${formatDuration(figure.median_ms)} in ${figure.runs} run${figure.runs === 1 ? '' : 's'}`;
  const window = state.runbook.window;
  const left = window && state.startedAt !== undefined ? mustParseDuration(window.duration) - (at - state.startedAt) : undefined;
  const tooLong = left !== undefined && figure.median_ms > left;
  if (kind !== 'reboot' && !tooLong) return undefined;
  const room = left === undefined ? '' : left > 0 ? `; ${formatDuration(left)} of the window left` : `; the window ended ${formatDuration(-left)} ago`;
  const figures = `${took}${room}`;
  const why = tooLong ? 'it would not fit in the window' : 'the host reboots';
  return { question: `Go or no-go for step ${step.id}? ${figures} (${why}).`, figures };
}
