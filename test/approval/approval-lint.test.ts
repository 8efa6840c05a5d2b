import { describe, expect, it } from 'vitest';
import { loadRunbookText } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problem.js';

const problems = (yaml: string) => loadRunbookText('rb.yaml', yaml).problems.map(formatProblem);

describe('lint of approval:', () => {
  it('takes two-person on a run, reboot, shutdown, migrate or revert step, and a top-level list', () => {
    const yaml = `runbook: 1
title: T
approval: { steps: [down], allow_same_account: true }
steps:
  - { id: up, title: Up, run: apt-get upgrade, approval: two-person }
  - { id: down, title: Down, shutdown: {} }
  - { id: boot, title: Boot, reboot: {}, approval: { mode: two-person, allow_same_account: true } }
`;
    expect(problems(yaml)).toEqual([]);
  });

  it('refuses it on a step that changes nothing, and a top-level id that is not a step, with file, line and field', () => {
    const yaml = `runbook: 1
title: T
approval: { steps: [upgrade, read] }
steps:
  - { id: up, title: Up, run: apt-get upgrade }
  - id: read
    title: Read
    note: hello
    approval: two-person
  - { id: name, title: Name, input: { prompt: Who, var: who }, approval: { mode: two-person } }
`;
    expect(problems(yaml)).toEqual([
      'rb.yaml:3:21: approval.steps[0]: no step "upgrade"',
      'rb.yaml:3:30: approval.steps[1]: step "read": approval works on run, shutdown, migrate, drain, reboot, return, revert steps, not on note: that step changes nothing a second operator could approve',
      'rb.yaml:9:5: steps.read.approval: approval works on run, shutdown, migrate, drain, reboot, return, revert steps, not on note: that step changes nothing a second operator could approve',
      'rb.yaml:10:64: steps.name.approval: approval works on run, shutdown, migrate, drain, reboot, return, revert steps, not on input: that step changes nothing a second operator could approve',
    ]);
  });

  it('refuses a mode it does not know', () => {
    expect(problems(`runbook: 1\ntitle: T\nsteps:\n  - { id: up, title: Up, run: x, approval: three-person }\n`).join('\n')).toContain('steps.up.approval');
  });
});
