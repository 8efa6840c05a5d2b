// migrate, snapshot and revert: the VM steps added on top of the kind registry.
import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/engine/engine.js';
import { Run, VMS } from './harness.js';

const HEAD = 'runbook: 1\ntitle: T\n';

describe('migrate', () => {
  const yaml = `${HEAD}steps:
  - { id: move, title: Move, migrate: { select: [web01, db01], to: "qemu+ssh://kvm02/system", timeout: 10m } }
  - { id: after, title: After, run: "true" }
`;

  it('asks which VMs to move, moves them, and marks them migrated', () => {
    const run = new Run(yaml).inventory();
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'select-vms', options: ['web01', 'db01'] });
    run.answer(['web01', 'db01']);
    expect(run.expectEffect('vm-power')).toMatchObject({ action: 'migrate', vms: ['web01', 'db01'], to: 'qemu+ssh://kvm02/system' });
    run.power();
    expect(run.step('move')).toMatchObject({ status: 'done', message: '2 migrated' });
    expect(run.vm('web01').state).toBe('migrated');
    expect(run.expectEffect('exec')).toBeTruthy();
  });

  it('a VM that times out migrating stops the run and asks, like start does', () => {
    const run = new Run(yaml).inventory().answer(['web01', 'db01']).power({ db01: 'timeout' });
    expect(run.step('move').status).toBe('running');
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt).toMatchObject({ kind: 'choice', question: expect.stringContaining('db01: did not migrate within 10m') });
    expect(run.state.steps[1]?.status).toBe('pending');
    run.answer('retry');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'select-vms', options: ['db01'] });
  });

  it('declining the selection ends the run; an empty selection skips the step', () => {
    expect(new Run(yaml).inventory().answer(false).state.phase).toBe('aborted');
    expect(new Run(yaml).inventory().answer([]).step('move')).toMatchObject({ status: 'skipped' });
  });
});

describe('snapshot and revert', () => {
  const yaml = (extra = '') => `${HEAD}steps:
  - { id: snap, title: Snapshot, snapshot: { select: running, name: "pre-{{ run.id }}"${extra} } }
  - { id: stop, title: Stop, shutdown: { select: stopped-by-this-run } }
  - { id: upgrade, title: Upgrade, run: "apt-get -y upgrade", on_failure: { revert: rollback } }
  - { id: check, title: Check, run: "true" }
  - { id: rollback, title: Roll back, revert: {} }
  - { id: restore, title: Restore, start: { select: stopped-by-this-run } }
`;

  it('snapshots the selected VMs under the expanded name and remembers them', () => {
    const run = new Run(yaml()).inventory();
    expect(run.expectEffect('vm-snapshot')).toMatchObject({ action: 'create', name: 'pre-r1', vms: ['web01', 'db01', 'cache01'], memory: false, quiesce: true });
    run.snapshots();
    expect(run.step('snap')).toMatchObject({ status: 'done', message: '3 snapshotted' });
    expect(run.state.snapshots.map((snapshot) => snapshot.vm)).toEqual(['web01', 'db01', 'cache01']);
  });

  it('a failed snapshot asks; a retry snapshots only the VMs still without one', () => {
    const run = new Run(yaml()).inventory().snapshots({ db01: 'error' });
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'choice', question: expect.stringContaining('db01') });
    run.answer('retry');
    expect(run.expectEffect('vm-snapshot').vms).toEqual(['db01']);
  });

  it('a revert step in a run where nothing failed is passed over', () => {
    const run = new Run(yaml()).inventory().snapshots();
    run.exec(0).exec(0);
    expect(run.step('rollback')).toMatchObject({ status: 'done', message: 'no failed step asked for a revert' });
    expect(run.state.phase).toBe('done');
  });

  it('a failed patch offers the rollback; it asks for the typed word, reverts, and starts what ends up off', () => {
    const run = new Run(yaml()).inventory().snapshots().exec(1);
    const question = run.expectEffect('prompt').prompt;
    expect(question).toMatchObject({ kind: 'choice' });
    expect(question.kind === 'choice' && question.options[0]).toMatchObject({ value: 'revert' });
    run.answer('revert');
    expect(run.step('check')).toMatchObject({ status: 'skipped' });
    const confirm = run.expectEffect('prompt').prompt;
    expect(confirm).toMatchObject({ kind: 'type-to-confirm', expected: 'revert', question: expect.stringContaining('because step upgrade failed') });
    run.answer('');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'type-to-confirm', error: expect.any(String) });
    run.answer('revert');
    expect(run.expectEffect('vm-snapshot')).toMatchObject({ action: 'revert', name: 'pre-r1', vms: ['web01', 'db01', 'cache01'] });
    run.snapshots();
    // The disk-only snapshot comes back powered off.
    const reverted = VMS.map((vm) => (vm.state === 'running' ? { ...vm, state: 'shut-off' as const } : vm));
    const inventory = run.expectEffect('inventory');
    run.state = reduce(run.state, { type: 'inventory-loaded', effectId: inventory.id, vms: reverted, at: run.at });
    expect(run.step('rollback')).toMatchObject({ status: 'done' });
    expect(run.state.stoppedByRun).toEqual(['web01', 'db01', 'cache01']);
    expect(run.expectEffect('vm-power')).toMatchObject({ action: 'start', vms: ['web01', 'cache01', 'db01'] });
    run.power();
    expect(run.state.phase).toBe('failed');
    expect(run.state.outcome).toContain('reverted by step rollback');
  });

  it('--yes never reverts on its own', () => {
    const run = new Run(yaml(), { yes: true }).inventory().snapshots().exec(1);
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'choice' });
  });

  it('cleanup deletes the snapshots once the run is done, and says what it could not delete', () => {
    const run = new Run(yaml(', cleanup: true')).inventory().snapshots().exec(0).exec(0);
    expect(run.state.phase).toBe('closing');
    expect(run.expectEffect('vm-snapshot')).toMatchObject({ action: 'delete', name: 'pre-r1', vms: ['web01', 'db01', 'cache01'] });
    run.snapshots({ cache01: 'error' });
    expect(run.state.phase).toBe('done');
    expect(run.state.snapshots.map((snapshot) => snapshot.state)).toEqual(['deleted', 'deleted', 'taken']);
    expect(run.state.notices.at(-1)?.text).toContain('snapshot pre-r1 of cache01 was not deleted');
  });

  it('refuses a snapshot name the hypervisor tools could misread', () => {
    const run = new Run(`${HEAD}steps:\n  - { id: snap, title: S, snapshot: { name: "a b;c" }, on_failure: abort }\n`).inventory();
    expect(run.state.phase).toBe('failed');
    expect(run.state.outcome).toContain('must be 1-64 letters');
  });
});

describe('cost per event', () => {
  it('a VM state change copies only the VM list and the VM, not the other VMs', () => {
    const many = Array.from({ length: 2000 }, (_, index) => ({ ...VMS[0]!, name: `vm${index}`, id: String(index) }));
    const run = new Run(`${HEAD}steps:\n  - { id: stop, title: S, shutdown: {} }\n`).inventory(many);
    const before = run.state;
    const after = reduce(before, { type: 'vm-state', name: 'vm7', state: 'shutting-down', at: 1 });
    expect(after.vms?.[7]?.state).toBe('shutting-down');
    expect(after.vms?.[8]).toBe(before.vms?.[8]);
    expect(after.runbook).toBe(before.runbook);
    expect(after.steps).toBe(before.steps);
    expect(before.vms?.[7]?.state).toBe('running');
  });
});

describe('quitting with VMs down', () => {
  const yaml = `${HEAD}steps:
  - { id: stop, title: Stop, shutdown: {} }
  - { id: upgrade, title: Upgrade, run: "apt-get -y upgrade" }
  - { id: restore, title: Restore, start: {} }
`;

  it('"start the VMs this run stopped, then end" starts exactly those and ends the run as a decision', () => {
    const run = new Run(yaml).inventory().answer(['web01', 'cache01']).power();
    expect(run.expectEffect('exec')).toBeTruthy();
    run.state = reduce(run.state, { type: 'wind-down', reason: 'operator quit at step upgrade', at: run.at });
    expect(run.state.phase).toBe('restoring');
    expect(run.expectEffect('vm-power')).toMatchObject({ action: 'start', vms: ['web01', 'cache01'] });
    run.power({ cache01: 'error' });
    expect(run.state.phase).toBe('aborted');
    expect(run.state.interrupted).toBe(false);
    expect(run.state.outcome).toBe('operator quit at step upgrade; started 1 VM(s) this run had stopped, 1 did not start');
    expect(run.vm('web01').state).toBe('running');
    expect(run.state.notices.at(-1)?.text).toContain('cache01 did not start');
  });

  it('works on a run that already ended with VMs off', () => {
    let run = new Run(yaml).inventory().answer(['web01']).power();
    run.state = reduce(run.state, { type: 'abort', reason: 'q', decided: true, at: run.at });
    expect(run.state.phase).toBe('aborted');
    run.state = reduce(run.state, { type: 'wind-down', reason: 'resume: start what the run stopped', at: run.at });
    expect(run.expectEffect('vm-power')).toMatchObject({ action: 'start', vms: ['web01'] });
    run = run.power();
    expect(run.state.phase).toBe('aborted');
    expect(run.vm('web01').state).toBe('running');
  });
});

describe('selectors that match nothing', () => {
  // On a real provider only the run can tell: lint checks selectors against simulated inventories.
  const HEAD = 'runbook: 1\ntitle: T\ninventory: { provider: libvirt, uri: "qemu:///system" }\n';
  it('a mistyped tag stops and asks, listing the VMs and tags that exist; it never passes as "no VMs"', () => {
    const run = new Run(`${HEAD}steps:\n  - { id: stop, title: S, shutdown: { select: "tag:wbe" } }\n  - { id: boot, title: R, reboot: { confirm: none } }\n`).inventory();
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt.question).toBe('Step stop: select "tag:wbe" matches no VM on this host. VMs: web01, db01, cache01, build01. Tags: cache, ci, db, web. What now?');
    run.answer('abort');
    expect(run.state.phase).toBe('aborted');
  });

  it('--yes and a dry run stop there too; skip goes on', () => {
    const yaml = `${HEAD}steps:\n  - { id: stop, title: S, shutdown: { select: [web1] } }\n  - { id: a, title: A, run: "true" }\n`;
    expect(new Run(yaml, { yes: true }).inventory().state.phase).toBe('aborted');
    expect(new Run(yaml, { dryRun: true }).inventory().state.phase).toBe('aborted');
    const run = new Run(yaml).inventory().answer('skip');
    expect(run.step('stop').status).toBe('skipped');
    expect(run.expectEffect('exec')).toBeTruthy();
  });

  it('a state word that matches nothing is just nothing to do', () => {
    const run = new Run(`${HEAD}steps:\n  - { id: stop, title: S, shutdown: { select: paused } }\n`).inventory();
    expect(run.step('stop')).toMatchObject({ status: 'done', message: 'no running VMs selected' });
  });
});

describe('the typed reboot confirmation', () => {
  it('an empty answer or a typo asks again, whichever renderer sent it; it never declines', () => {
    const run = new Run(`${HEAD}target: { name: kvm01 }\nsteps:\n  - { id: boot, title: B, reboot: {} }\n`).inventory();
    run.answer('');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'type-to-confirm', error: expect.stringContaining('an empty answer decides nothing') });
    run.answer('kvm1');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ error: expect.stringContaining('"kvm1" is not kvm01') });
    run.answer('kvm01');
    expect(run.expectEffect('reboot')).toMatchObject({ host: 'kvm01' });
  });
});
