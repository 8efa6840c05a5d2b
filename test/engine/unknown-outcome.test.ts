import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/engine/engine.js';
import { Run } from './harness.js';

const lose = (run: Run, reason = 'patchwalk stopped while it ran') => {
  run.state = reduce(run.state, { type: 'lost', effectId: run.effect.id, reason, at: run.at });
  return run;
};

const WITH_VERIFY = `runbook: 1
title: T
steps:
  - { id: up, title: Up, run: "apt-get -y dist-upgrade", verify: "dpkg --audit" }
  - { id: after, title: After, run: "echo after" }
`;

describe('outcome unknown', () => {
  it('runs the verify check first, then asks: re-run, mark done, or skip', () => {
    const run = lose(new Run(WITH_VERIFY));
    const verify = run.expectEffect('exec');
    expect(verify).toMatchObject({ role: 'verify', display: 'dpkg --audit' });
    run.exec(0);
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt).toMatchObject({ kind: 'choice', default: 'done' });
    expect(prompt.question).toBe('Outcome unknown for step up: the command (apt-get -y dist-upgrade) patchwalk stopped while it ran. Its verify check passed. What now?');
    expect(prompt.kind === 'choice' && prompt.options.map((option) => option.value)).toEqual(['rerun', 'done', 'skip']);
    run.answer('done');
    expect(run.step('up')).toMatchObject({ status: 'done', message: 'marked done by the operator (outcome was unknown)' });
    expect(run.expectEffect('exec').display).toBe('echo after');
  });

  it('re-run performs the same command again; skip skips the step', () => {
    const rerun = lose(new Run(WITH_VERIFY)).exec(1);
    expect(rerun.expectEffect('prompt').prompt.question).toContain('Its verify check failed (exit 1).');
    rerun.answer('rerun');
    expect(rerun.expectEffect('exec')).toMatchObject({ display: 'apt-get -y dist-upgrade' });
    expect(rerun.expectEffect('exec')).not.toHaveProperty('role');
    rerun.exec(0);
    expect(rerun.step('up').status).toBe('done');
    const skipped = lose(new Run(WITH_VERIFY)).exec(1).answer('skip');
    expect(skipped.step('up')).toMatchObject({ status: 'skipped', message: 'outcome unknown (patchwalk stopped while it ran); skipped by the operator' });
  });

  it('--yes never re-runs a command on its own, but repeats a lost VM power change', () => {
    const command = lose(new Run('runbook: 1\ntitle: T\nsteps:\n  - { id: up, title: Up, run: "true" }\n', { yes: true }));
    expect(command.expectEffect('prompt').prompt.kind).toBe('choice');
    const power = new Run('runbook: 1\ntitle: T\nsteps:\n  - { id: down, title: Down, shutdown: {} }\n', { yes: true }).inventory();
    const first = power.expectEffect('vm-power');
    lose(power);
    expect(power.expectEffect('vm-power')).toMatchObject({ action: 'shutdown', vms: first.vms });
    expect(power.effect.id).not.toBe(first.id);
    power.power();
    expect(power.step('down').status).toBe('done');
    expect(power.state.stoppedByRun).toEqual(first.vms);
  });
});
