import { isDraft, produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { selectForStep } from '../../src/engine/run-vms.js';
import type { RunState } from '../../src/engine/types.js';
import { Run, VMS } from './harness.js';

describe('selecting VMs inside the engine', () => {
  it('reads the VMs without drafting each one (finalizing 5,000 drafts stalled the console)', () => {
    const many = Array.from({ length: 2000 }, (_, index) => ({ ...VMS[0]!, name: `vm${index}`, id: String(index) }));
    const run = new Run('runbook: 1\ntitle: T\nsteps:\n  - { id: stop, title: S, shutdown: {} }\n').inventory(many);
    let drafted = 0;
    let picked = 0;
    produce(run.state, (draft: RunState) => {
      const selected = selectForStep(draft, 'stop', 'running', 0);
      picked = selected.length;
      drafted = selected.filter((vm) => isDraft(vm)).length;
    });
    expect(picked).toBe(2000);
    expect(drafted).toBe(0);
  });

  it('sees a change made earlier in the same event', () => {
    const run = new Run('runbook: 1\ntitle: T\nsteps:\n  - { id: stop, title: S, shutdown: {} }\n').inventory();
    const names = produce(run.state, (draft: RunState) => {
      draft.vms![0]!.state = 'shut-off';
      draft.notices.push({ at: 0, level: 'info', text: selectForStep(draft, 'stop', 'running', 0).map((vm) => vm.name).join(',') });
    }).notices.at(-1)?.text;
    expect(names).toBe('db01,cache01');
  });
});
