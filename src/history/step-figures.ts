// What past runs say about each step: median, shortest, longest, and how many runs it rests on.
import type { History } from './history-store.js';

export interface StepFigure {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
}

/** What the engine is given at run start: each step's median and the runs behind it. */
export interface HistoryFigures {
  /** Runs in the history of this runbook. */
  runs: number;
  steps: Record<string, { median_ms: number; runs: number }>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 ? (sorted[middle] ?? 0) : Math.round(((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2);
}

export function stepFigures(history: History): Map<string, StepFigure> {
  const durations = new Map<string, number[]>();
  for (const run of history.runs) {
    for (const [id, ms] of Object.entries(run.steps)) {
      const list = durations.get(id) ?? [];
      list.push(ms);
      durations.set(id, list);
    }
  }
  const figures = new Map<string, StepFigure>();
  for (const [id, list] of durations) {
    figures.set(id, { median_ms: median(list), min_ms: Math.min(...list), max_ms: Math.max(...list), runs: list.length });
  }
  return figures;
}

/** The figures the engine plans with, or undefined when there is no history. */
export function engineFigures(history: History): HistoryFigures | undefined {
  if (history.runs.length === 0) return undefined;
  const steps: HistoryFigures['steps'] = {};
  for (const [id, figure] of stepFigures(history)) steps[id] = { median_ms: figure.median_ms, runs: figure.runs };
  return { runs: history.runs.length, steps };
}
