// The engine's side of two-person approval: where it waits, what the request says, and what a
// grant, a denial and a dry run lead to.
import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/engine/engine.js';
import type { Approver } from '../../src/engine/types.js';
import { Run } from '../engine/harness.js';

const BOB: Approver = { user: 'bob', uid: 1001, ssh_client: '10.0.0.5', hostname: 'jump', same_account: false };

const YAML = `runbook: 1
title: T
target: { name: kvm01 }
approval: { steps: [down] }
steps:
  - { id: hello, title: Say hello, run: "echo {{ target.name }}", approval: two-person }
  - { id: down, title: Shut down, shutdown: { select: running } }
  - { id: after, title: After, run: "echo done" }
`;

function decide(run: Run, decision: 'granted' | 'denied', reason?: string, approver: Approver = BOB): Run {
  const effect = run.expectEffect('approval');
  run.state = reduce(run.state, { type: 'approval-done', effectId: effect.id, decision, approver, reason, at: run.at });
  return run;
}

describe('two-person approval in the engine', () => {
  it('waits before the step acts, with the command expanded, then runs it once granted', () => {
    const run = new Run(YAML).inventory();
    const wait = run.expectEffect('approval');
    expect(wait.request).toEqual({
      step: 'hello',
      title: 'Say hello',
      summary: 'step hello "Say hello": runs: echo kvm01',
      vms: [],
      commands: ['echo kvm01'],
      allowSameAccount: false,
    });
    expect(run.step('hello').status).toBe('running');
    decide(run, 'granted', 'CAB-1');
    expect(run.expectEffect('exec').display).toBe('echo kvm01');
    expect(run.step('hello').approved).toBe(true);
    expect(run.state.notices.at(-1)?.text).toBe('step hello approved by bob (uid 1001) from SSH client 10.0.0.5: "CAB-1"');
  });

  it('lists the VMs of a step gated from the top level, and the VM question comes only after the grant', () => {
    const run = new Run(YAML).inventory();
    decide(run, 'granted').exec(0);
    const wait = run.expectEffect('approval');
    expect(wait.request.step).toBe('down');
    expect(wait.request.vms).toEqual(['web01', 'db01', 'cache01']);
    decide(run, 'granted');
    expect(run.expectEffect('prompt').prompt.kind).toBe('select-vms');
  });

  it('a denial asks the driver: Enter asks for approval again, skip goes on, abort ends the run', () => {
    const run = new Run(YAML).inventory();
    decide(run, 'denied', 'not now');
    const question = run.expectEffect('prompt').prompt;
    expect(question).toMatchObject({ kind: 'choice', question: 'bob (uid 1001) from SSH client 10.0.0.5 denied step hello: "not now". What now?', default: 'again' });
    run.answer('again');
    const second = run.expectEffect('approval');
    expect(second.stepId).toBe('hello');
    decide(run, 'denied', 'still no').answer('skip');
    expect(run.step('hello')).toMatchObject({ status: 'skipped', message: 'approval denied; skipped by the operator' });
    expect(run.expectEffect('approval').stepId).toBe('down');
    decide(run, 'denied', 'no').answer('abort');
    expect(run.state.phase).toBe('aborted');
    expect(run.state.outcome).toBe('step down was denied approval, and the operator ended the run');
  });

  it('--yes never stands in for the second operator', () => {
    const run = new Run(YAML, { yes: true }).inventory();
    expect(run.expectEffect('approval').stepId).toBe('hello');
  });

  it('a dry run says where it would wait and goes on', () => {
    const run = new Run(YAML, { dryRun: true }).inventory();
    expect(run.expectEffect('exec').display).toBe('echo kvm01');
    expect(run.state.notices.at(-1)?.text).toBe('step hello would wait here for a second operator: patchwalk approve r1');
  });

  it('flags a same-account approval as a warning naming who typed their name', () => {
    const run = new Run(YAML.replace('approval: two-person', 'approval: { mode: two-person, allow_same_account: true }')).inventory();
    expect(run.expectEffect('approval').request.allowSameAccount).toBe(true);
    decide(run, 'granted', undefined, { user: 'root', uid: 0, ssh_client: '10.0.0.9', hostname: 'h', same_account: true, name: 'Alice' });
    expect(run.state.notices.at(-1)).toMatchObject({ level: 'warn', text: 'step hello approved by Alice (same account root, from SSH client 10.0.0.9)' });
  });

  it('a per-VM step is approved once, listing the command of each VM expanded', () => {
    const run = new Run(`runbook: 1
title: T
steps:
  - { id: each, title: Each, run: "echo {{ vm.name }}", each_vm: running, approval: two-person }
`).inventory();
    const wait = run.expectEffect('approval');
    expect(wait.request.vms).toEqual(['web01', 'db01', 'cache01']);
    expect(wait.request.commands).toEqual(['web01: echo web01', 'db01: echo db01', 'cache01: echo cache01']);
    expect(wait.request.summary).toBe('step each "Each": runs a command once per VM (3 listed). VMs (3): web01, db01, cache01.');
    decide(run, 'granted');
    run.exec(0);
    expect(run.expectEffect('exec').display).toBe('echo db01');
  });
});
