// When the run should end, from the medians of past runs of the steps still to come: the current
// step counts its median minus the time it has run (never below zero). Pure: the figures are the
// ones the run was given at its start, and `now` is the caller's.
import type { RunState } from '../engine/types.js';
import { mustParseDuration } from '../runbook/duration.js';

export interface Eta {
  /** When the remaining steps should be done, by their medians. */
  endsAt: number;
  /** When the maintenance window ends, if the runbook has one and the run has started. */
  windowEndsAt?: number;
  /** Past runs the figures rest on. */
  runs: number;
  /** The estimate ends after the window. */
  late: boolean;
  /** Steps still to come that no past run finished: the estimate cannot count them. */
  unknownSteps: number;
}

const ENDED = new Set(['done', 'failed', 'skipped']);

export function estimateEnd(state: RunState, now: number): Eta | undefined {
  const figures = state.options.history;
  if (!figures || figures.runs === 0) return undefined;
  if (state.phase === 'done' || state.phase === 'failed' || state.phase === 'aborted' || state.phase === 'restoring') return undefined;
  let remaining = 0;
  let unknownSteps = 0;
  for (const step of state.steps) {
    if (ENDED.has(step.status)) continue;
    const figure = figures.steps[step.id];
    if (!figure) {
      unknownSteps++;
      continue;
    }
    const ran = step.status === 'running' && step.startedAt !== undefined ? now - step.startedAt : 0;
    remaining += Math.max(0, figure.median_ms - ran);
  }
  const endsAt = now + remaining;
  const windowEndsAt = state.runbook.window && state.startedAt !== undefined ? state.startedAt + mustParseDuration(state.runbook.window.duration) : undefined;
  return { endsAt, windowEndsAt, runs: figures.runs, late: windowEndsAt !== undefined && endsAt > windowEndsAt, unknownSteps };
}

/** "02:40", the wall-clock time in the operator's time zone. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** "ends ~02:40, window ends 03:00 (median of 5 runs)", the same words in the header and in line mode. */
export function etaText(eta: Eta): string {
  const window = eta.windowEndsAt !== undefined ? `, window ends ${clockTime(eta.windowEndsAt)}` : '';
  const unknown = eta.unknownSteps ? `; ${eta.unknownSteps} step${eta.unknownSteps === 1 ? '' : 's'} without history not counted` : '';
  return `ends ~${clockTime(eta.endsAt)}${window} (median of ${eta.runs} run${eta.runs === 1 ? '' : 's'}${unknown})`;
}
