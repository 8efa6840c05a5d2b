import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeStep, stepHeading, stepOutcome, stepTitle, stepTitles } from '../../src/display/step-text.js';
import { kindDisplay } from '../../src/display/step-kinds.js';
import { KINDS } from '../../src/kinds/registry.js';
import { Run } from '../engine/harness.js';

const YAML = `runbook: 1
title: Patch {{ host }}
params: { host: { description: host } }
steps:
  - { id: one, title: "Upgrade {{ host }}", run: "true", capture: version, why: "keeps\\u001b[2J it safe" }
  - { id: two, title: "Shut down after {{ version }}", shutdown: {} }
`;

describe('step text', () => {
  it('is the title with its template expanded, or the raw title when the template fails', () => {
    const run = new Run(YAML, {}, { host: 'kvm01' });
    expect(stepTitle(run.state, 0)).toBe('Upgrade kvm01');
    expect(stepTitle(run.state, 1)).toBe('Shut down after {{ version }}');
    expect(stepTitles(run.state)).toHaveLength(2);
    expect(stepHeading(run.state, 0)).toBe('── [1/2] Upgrade kvm01');
  });

  it('describes a step from its kind: the VM kinds show the table, others the output', () => {
    const run = new Run(YAML, {}, { host: 'kvm01' });
    const first = describeStep(run.state, 0);
    expect(first).toMatchObject({ kind: 'run', vmTable: false, mark: '·' });
    expect(first?.detail).toEqual([{ label: 'runs', body: `on this machine (${hostname()})`, tone: 'cyan' }, { label: 'why', body: 'keeps\\e[2J it safe', tone: 'magenta' }]);
    expect(describeStep(run.state, 1)).toMatchObject({ kind: 'shutdown', vmTable: true, planAtStart: true });
  });

  it('reads each kind\'s display from the kind registry', () => {
    for (const kind of KINDS) expect(kindDisplay(kind.key).vmTable).toBe(kind.facts.showsVmTable);
  });

  it('says how a step ended in one form for both renderers', () => {
    expect(stepOutcome({ id: 'a', kind: 'run', status: 'failed', attempts: 1, startedAt: 0, endedAt: 3000, exitCode: 4, message: 'exit code 4' })).toBe(
      '✗ failed in 3s (exit 4): exit code 4',
    );
  });
});
