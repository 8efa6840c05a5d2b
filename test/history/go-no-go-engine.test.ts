// Go or no-go, in the pure engine: asked before a reboot and before a step whose past median does
// not fit in what is left of the window, naming the figures; Enter alone is no answer; go starts
// the step; no-go leaves the question open (the driver then asks the quit question).
import { describe, expect, it } from 'vitest';
import { Run } from '../engine/harness.js';
import type { HistoryFigures } from '../../src/history/step-figures.js';

const RUNBOOK = `
runbook: 1
title: Window
window: { duration: 10m }
steps:
  - id: quick
    title: Quick
    run: "true"
  - id: upgrade
    title: Upgrade
    run: apt-get -y dist-upgrade
`;

const figures = (upgradeMs: number): HistoryFigures => ({ runs: 5, steps: { quick: { median_ms: 1000, runs: 5 }, upgrade: { median_ms: upgradeMs, runs: 5 } } });

describe('go/no-go before a step that would not fit in the window', () => {
  it('is not asked when the median fits', () => {
    const run = new Run(RUNBOOK, { history: figures(60_000) });
    run.expectEffect('exec');
    run.tick(1000).exec(0);
    expect(run.expectEffect('exec').display).toContain('dist-upgrade');
  });

  it('is asked, with the figures, when the median is longer than the window left; go starts the step', () => {
    const run = new Run(RUNBOOK, { history: figures(6 * 60_000) });
    run.tick(5 * 60_000).exec(0);
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt.kind).toBe('go-no-go');
    expect(prompt.question).toContain('upgrade took a median of 6m00s in 5 runs; 5m00s of the window left');
    expect(run.step('upgrade').status).toBe('pending');
    run.answer('go');
    expect(run.expectEffect('exec').display).toContain('dist-upgrade');
    expect(run.state.answers.at(-1)).toMatchObject({ stepId: 'upgrade', answer: 'go', by: 'operator' });
  });

  it('no-go asks again and starts nothing', () => {
    const run = new Run(RUNBOOK, { history: figures(6 * 60_000) });
    run.tick(5 * 60_000).exec(0);
    run.answer('no-go');
    expect(run.expectEffect('prompt').prompt.kind).toBe('go-no-go');
    expect(run.step('upgrade').status).toBe('pending');
    expect(run.state.answers.at(-1)?.answer).toBe('no-go');
  });

  it('--yes does not answer it unless the runbook allows unattended runs; a dry run goes', () => {
    const asked = new Run(RUNBOOK, { yes: true, history: figures(6 * 60_000) });
    asked.tick(5 * 60_000).exec(0);
    expect(asked.expectEffect('prompt').prompt.kind).toBe('go-no-go');
    const unattended = new Run(`unattended: true\n${RUNBOOK}`, { yes: true, history: figures(6 * 60_000) });
    unattended.tick(5 * 60_000).exec(0);
    expect(unattended.expectEffect('exec').display).toContain('dist-upgrade');
  });

  it('is not asked without history', () => {
    const run = new Run(RUNBOOK);
    run.tick(9 * 60_000).exec(0);
    run.expectEffect('exec');
  });
});

describe('go/no-go before a reboot', () => {
  const REBOOT = `
runbook: 1
title: Reboot
inventory: { provider: sim }
steps:
  - id: reboot
    title: Reboot the host
    reboot: { confirm: yes-no }
`;

  it('names how long the reboot took before', () => {
    const run = new Run(REBOOT, { history: { runs: 3, steps: { reboot: { median_ms: 6 * 60_000, runs: 3 } } } });
    run.inventory();
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt).toMatchObject({ kind: 'go-no-go' });
    expect(prompt.question).toContain('reboot took a median of 6m00s in 3 runs');
    run.answer('go');
    // Then the reboot's own confirmation.
    expect(run.expectEffect('prompt').prompt.kind).toBe('confirm');
  });
});
