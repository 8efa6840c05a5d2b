// The ETA from past runs: medians of the steps to come, the current one less the time it has run.
import { describe, expect, it } from 'vitest';
import { estimateEnd, etaText } from '../../src/history/eta.js';
import { engineFigures, median, stepFigures } from '../../src/history/step-figures.js';
import { Run } from '../engine/harness.js';
import type { History } from '../../src/history/history-store.js';

const RUNBOOK = `
runbook: 1
title: ETA
window: { duration: 1h }
steps:
  - { id: a, title: A, run: "true" }
  - { id: b, title: B, run: "true" }
  - { id: c, title: C, run: "true" }
`;

describe('step figures', () => {
  it('takes the median, min and max over the runs that finished the step', () => {
    const history: History = {
      v: 1,
      runbook: '/r.yaml',
      runs: [
        { run: '1', at: 1, steps: { a: 1000, b: 5000 } },
        { run: '2', at: 2, steps: { a: 3000 } },
        { run: '3', at: 3, steps: { a: 2000, b: 7000 } },
      ],
    };
    expect(stepFigures(history).get('a')).toEqual({ median_ms: 2000, min_ms: 1000, max_ms: 3000, runs: 3 });
    expect(stepFigures(history).get('b')).toEqual({ median_ms: 6000, min_ms: 5000, max_ms: 7000, runs: 2 });
    expect(engineFigures(history)?.runs).toBe(3);
    expect(engineFigures({ ...history, runs: [] })).toBeUndefined();
    expect(median([4, 1, 3])).toBe(3);
  });
});

describe('estimateEnd', () => {
  it('is nothing without history', () => {
    expect(estimateEnd(new Run(RUNBOOK).state, 0)).toBeUndefined();
  });

  it('adds the medians of the steps to come, and what the current step has left (never below zero)', () => {
    const run = new Run(RUNBOOK, { history: { runs: 5, steps: { a: { median_ms: 60_000, runs: 5 }, b: { median_ms: 120_000, runs: 5 }, c: { median_ms: 30_000, runs: 4 } } } });
    expect(estimateEnd(run.state, 0)).toMatchObject({ endsAt: 210_000, windowEndsAt: 3_600_000, runs: 5, late: false, unknownSteps: 0 });
    // 20s into a (median 60s): 40s + 120s + 30s.
    expect(estimateEnd(run.state, 20_000)?.endsAt).toBe(20_000 + 190_000);
    // a overruns its median: it counts zero.
    expect(estimateEnd(run.state, 90_000)?.endsAt).toBe(90_000 + 150_000);
    run.tick(90_000).exec(0);
    expect(estimateEnd(run.state, 90_000)?.endsAt).toBe(90_000 + 150_000);
  });

  it('is late when it ends past the window, and says so in its text', () => {
    const run = new Run(RUNBOOK, { history: { runs: 2, steps: { a: { median_ms: 2 * 3_600_000, runs: 2 } } } });
    const eta = estimateEnd(run.state, 0);
    expect(eta).toMatchObject({ late: true, unknownSteps: 2 });
    expect(etaText(eta!)).toMatch(/^ends ~\d\d:\d\d, window ends \d\d:\d\d \(median of 2 runs; 2 steps without history not counted\)$/);
  });
});
