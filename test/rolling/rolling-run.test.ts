import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agreeable, driveCluster } from './rolling-driver.js';

const VMS = `
    - { name: web01, host: pve1, memory_mib: 4096, tags: [web], autostart: true }
    - { name: web02, host: pve2, memory_mib: 4096, tags: [web], autostart: true }
    - { name: db01, host: pve1, memory_mib: 8192, tags: [db], autostart: true }
    - { name: db02, host: pve3, memory_mib: 8192, tags: [db], autostart: true }
    - { name: cache01, host: pve2, memory_mib: 2048, autostart: true }
    - { name: app01, host: pve3, memory_mib: 2048, autostart: true }
    - { name: app02, host: pve3, memory_mib: 2048, autostart: true }`;

const runbook = (extra: { vms?: string; capacity?: string; rolling?: string; drain?: string } = {}) => `
runbook: 1
title: Rolling patch
unattended: true
cluster: { name: pve-prod, anti_affinity: [db] }
inventory:
  provider: sim
  reboot_time: 1s
  capacity: ${extra.capacity ?? '{ memory_mib: 65536, vcpus: 64 }'}
  vms: ${extra.vms ?? VMS}
rolling: ${extra.rolling ?? '{ serial: 1, order: fewest-vms-first, pause_between: ask }'}
before_all:
  - { id: quorum, title: Quorum, run: "true" }
per_host:
  - { id: drain, title: Drain, drain: ${extra.drain ?? '{ unmovable: ask }'} }
  - { id: upgrade, title: "Upgrade {{ host.name }}", run: "echo {{ host.name }}" }
  - { id: reboot, title: Reboot, reboot: { confirm: yes-no, wait: 1m } }
  - { id: restart, title: Start what the drain stopped, start: { select: stopped-by-this-run } }
  - { id: back, title: Bring them home, return: { select: drained-by-this-run } }
after_all:
  - { id: done, title: Done, note: All members patched. }
`;

beforeEach(() => {
  process.env.PATCHWALK_SIM_SPEED = '50';
});
afterEach(() => {
  delete process.env.PATCHWALK_SIM_SPEED;
});

describe('a rolling on the simulated cluster', () => {
  it('drains, patches, reboots and returns each member, fewest VMs first, and every VM ends on its own host', async () => {
    const { end, questions, sim } = await driveCluster(runbook(), ['pve1', 'pve2', 'pve3'], agreeable());
    expect(end.phase, end.outcome).toBe('done');
    expect(end.rolling?.members.map((member) => member.name)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(questions.some((question) => question.includes('Go on to host 2 of 3 (pve2)'))).toBe(true);
    const placement = sim.placement();
    for (const [name, where] of Object.entries(placement)) {
      expect(where.host, name).toBe(end.rolling?.placementBefore[name]);
      expect(where.state, name).toBe('running');
    }
    // Each member's VMs moved away once and came back once.
    for (const count of sim.migrations.values()) expect(count).toBe(2);
    expect(end.steps.find((step) => step.id === 'upgrade@pve2')?.status).toBe('done');
  });

  it('keeps two db VMs apart (anti-affinity) and asks about a shortfall instead of overcommitting', async () => {
    const asked: string[] = [];
    const { end, sim } = await driveCluster(
      runbook({ capacity: '{ memory_mib: 14336, vcpus: 64 }', rolling: '{ order: [pve1, pve2, pve3], pause_between: none }' }),
      ['pve1', 'pve2', 'pve3'],
      agreeable((prompt) => {
        if (prompt.question.includes('short by')) {
          asked.push(prompt.question);
          return 'shutdown-rest';
        }
        return undefined;
      }),
    );
    expect(end.phase, end.outcome).toBe('done');
    expect(asked[0]).toMatch(/short by \d+ MiB/);
    // Nothing ended off, and nothing ended away from home.
    for (const [name, where] of Object.entries(sim.placement())) {
      expect(where.state, name).toBe('running');
      expect(where.host, name).toBe(end.rolling?.placementBefore[name]);
    }
  });

  it('asks per VM when a migration fails, and "Pick another host" moves it elsewhere', async () => {
    const vms = VMS.replace('{ name: db01, host: pve1, memory_mib: 8192, tags: [db]', '{ name: db01, host: pve1, fail_migrate_once: true, memory_mib: 8192, tags: []');
    const decided: string[] = [];
    const { end, sim } = await driveCluster(
      runbook({ vms, rolling: '{ order: [pve1, pve2, pve3], pause_between: none }' }),
      ['pve1', 'pve2', 'pve3'],
      agreeable((prompt) => {
        if (prompt.kind === 'choice' && prompt.question.startsWith('db01 did not migrate')) {
          decided.push(prompt.question + prompt.options.map((option) => option.label).join('|'));
          return 'another';
        }
        return undefined;
      }),
    );
    expect(end.phase, end.outcome).toBe('done');
    expect(decided).toHaveLength(1);
    expect(decided[0]).toContain('Pick another host');
    expect(sim.placement().db01?.host).toBe('pve1');
  });

  it('a VM that cannot migrate is shut down for the reboot and started again', async () => {
    const vms = VMS.replace('{ name: web01, host: pve1,', '{ name: web01, host: pve1, local_disk: true,').replace('autostart: true }', 'autostart: false }');
    const { end, sim, questions } = await driveCluster(
      runbook({ vms, rolling: '{ order: [pve1, pve2, pve3], pause_between: none }' }),
      ['pve1', 'pve2', 'pve3'],
      agreeable((prompt) => (prompt.question.includes('cannot live-migrate') ? 'shutdown' : undefined)),
    );
    expect(end.phase, end.outcome).toBe('done');
    expect(questions.some((question) => question.includes('web01 (local disk)'))).toBe(true);
    expect(sim.placement().web01).toEqual({ host: 'pve1', state: 'running' });
    expect(end.stoppedByRun).toContain('web01');
  });

  it('stop_on_failure: a failed member ends the rolling before the next one', async () => {
    const text = runbook({ rolling: '{ order: [pve1, pve2, pve3], pause_between: none, stop_on_failure: true }' }).replace('run: "echo {{ host.name }}"', 'run: "false"');
    const failing = await driveCluster(text, ['pve1', 'pve2', 'pve3'], agreeable((prompt) => (prompt.question.includes('failed') ? 'abort' : undefined)), {});
    expect(failing.end.phase).toBe('failed');
    expect(failing.end.steps.find((step) => step.id === 'drain@pve2')?.status).toBe('pending');
  });

  it('stop_on_failure: false goes on to the next member, and the run still fails at the end', async () => {
    const text = runbook({ rolling: '{ order: [pve1, pve2, pve3], pause_between: none, stop_on_failure: false, max_failed_hosts: 1 }' }).replace(
      'run: "echo {{ host.name }}"',
      'run: "fail-on {{ host.name }}"',
    );
    const { end, sim } = await driveCluster(text, ['pve1', 'pve2', 'pve3'], agreeable((prompt) => (prompt.question.includes('failed') ? 'abort' : undefined)));
    expect(end.phase).toBe('failed');
    expect(end.outcome).toMatch(/1 host\(s\) failed: pve1/);
    expect(end.steps.find((step) => step.id === 'reboot@pve1')?.status).toBe('skipped');
    expect(end.steps.find((step) => step.id === 'back@pve3')?.status).toBe('done');
    // pve1's VMs stay where its drain put them: running, never left off.
    for (const where of Object.values(sim.placement())) expect(where.state).toBe('running');
  });

  it('"Skip the rest of this host" on a failure keeps its return step, so its VMs come home', async () => {
    const text = runbook({ rolling: '{ order: [pve1, pve2, pve3], pause_between: none }' }).replace('run: "echo {{ host.name }}"', 'run: "fail-on {{ host.name }}"');
    const { end, sim } = await driveCluster(text, ['pve1', 'pve2', 'pve3'], agreeable((prompt) => (prompt.question.includes('failed') ? 'skip-host' : undefined)));
    expect(end.phase, end.outcome).toBe('done');
    expect(end.rolling?.givenUp.pve1?.phase).toBe('skipped');
    expect(end.steps.find((step) => step.id === 'reboot@pve1')?.status).toBe('skipped');
    expect(end.steps.find((step) => step.id === 'back@pve1')?.status).toBe('done');
    for (const [name, where] of Object.entries(sim.placement())) expect(where.host, name).toBe(end.rolling?.placementBefore[name]);
  });

  it('lint refuses serial > 1 with a message naming the field', async () => {
    const { loadRunbookText } = await import('../../src/runbook/load.js');
    const result = loadRunbookText('r.yaml', runbook().replace('serial: 1', 'serial: 3').replace(/\n    - \{ name: (\w+), host: (\w+),/g, '\n    - { name: $1, host: $2,'));
    expect(result.problems.map((problem) => problem.message)).toContain('serial: 3 is not supported yet: the rolling takes one member at a time (serial: 1)');
  });
});
