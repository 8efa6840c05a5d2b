// The console's part of ETA and go/no-go: the header's ETA line from past runs (nothing without
// them), and the go/no-go question, where Enter alone decides nothing.
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { initialState, reduce } from '../../src/engine/engine.js';
import { Header } from '../../src/ui/Header.js';
import { PromptView } from '../../src/ui/PromptView.js';
import { GoNoGoPrompt } from '../../src/ui/prompts/GoNoGoPrompt.js';
import { runbookFrom } from '../helpers/runbook.js';

const RUNBOOK = runbookFrom(`runbook: 1
title: Patch kvm01
window: { duration: 1h }
steps:
  - { id: up, title: Apply updates, run: "apt-get -y dist-upgrade" }
  - { id: check, title: Check, run: "true" }
`);
const options = { yes: false, dryRun: false, pauseToRead: false, runId: 'r', operator: 'op' };
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('header ETA', () => {
  it('shows when the run should end, the window end and the runs behind it', () => {
    const history = { runs: 5, steps: { up: { median_ms: 10 * 60_000, runs: 5 }, check: { median_ms: 60_000, runs: 5 } } };
    const run = reduce(initialState(RUNBOOK, { ...options, history }), { type: 'start', at: Date.now() });
    const frame = render(<Header run={run} title="Patch kvm01" training={false} width={140} />).lastFrame() ?? '';
    expect(frame).toMatch(/step 1 of 2 · ends ~\d\d:\d\d, window ends \d\d:\d\d \(median of 5 runs\)/);
  });

  it('shows nothing without history', () => {
    const run = reduce(initialState(RUNBOOK, options), { type: 'start', at: Date.now() });
    expect(render(<Header run={run} title="Patch kvm01" training={false} width={140} />).lastFrame()).not.toContain('ends ~');
  });
});

describe('go/no-go prompt', () => {
  it('takes g or n; Enter alone asks again', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<GoNoGoPrompt question="Go or no-go for step reboot?" hint="(go / no-go)" onAnswer={onAnswer} isActive />);
    await tick();
    stdin.write('\r');
    await tick();
    expect(onAnswer).not.toHaveBeenCalled();
    expect(lastFrame()).toContain('an empty answer decides nothing here');
    stdin.write('x');
    await tick();
    stdin.write('g');
    await tick();
    stdin.write('n');
    await tick();
    expect(onAnswer.mock.calls).toEqual([['go'], ['no-go']]);
  });

  it('is drawn by PromptView with the figures in its question', () => {
    const prompt = { kind: 'go-no-go' as const, question: 'Go or no-go for step reboot? reboot took a median of 6m in 5 runs; 4m of the window left (the host reboots).', figures: '' };
    const frame = render(<PromptView id={1} prompt={prompt} height={6} width={80} isActive={false} onAnswer={() => {}} />).lastFrame() ?? '';
    const text = frame.replace(/\s+/g, ' ');
    expect(text).toContain('reboot took a median of 6m in 5 runs; 4m of the window left');
    expect(text).toContain('(go / no-go)');
  });
});
