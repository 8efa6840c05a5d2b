// The simulated cluster of a cluster rehearsal: the real members are read once, their room too, and
// both are kept in the run's folder, so a resumed rehearsal rebuilds the same cluster asking nothing.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MemberFree, Vm } from '../../src/engine/types.js';
import { REHEARSAL_CAPACITY_FILE, RehearsalCluster, rehearsalCapacity } from '../../src/rehearsal/rehearsal-cluster.js';
import { keepRehearsalInventory, rehearsalInventoryPath } from '../../src/rehearsal/rehearsal-host.js';

const vm = (name: string, host: string, memory_mib: number, state: Vm['state'] = 'running'): Vm => ({ name, id: name, state, vcpus: 2, memory_mib, tags: [], autostart: false, host });
const VMS = [vm('a1', 'a', 4096), vm('a2', 'a', 2048, 'shut-off'), vm('b1', 'b', 8192, 'running')];

describe('rehearsalCapacity', () => {
  it('gives each member the largest room a real member has: its free room plus what its running VMs use', () => {
    const free: MemberFree[] = [
      { name: 'a', memory_free_mib: 10_000, vcpus_free: 10 },
      { name: 'b', memory_free_mib: 1_000, vcpus_free: 4 },
    ];
    expect(rehearsalCapacity(VMS, free)).toEqual({ memory_mib: 14_096, vcpus: 12, source: 'members' });
  });

  it('without figures, room for every VM of the cluster', () => {
    expect(rehearsalCapacity(VMS, undefined)).toEqual({ memory_mib: 14_336, vcpus: 6, source: 'default' });
  });
});

describe('RehearsalCluster', () => {
  it('reads the real members once, keeps what it read, and a second one (a resume) asks nothing', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'patchwalk-rc-'));
    let reads = 0;
    let frees = 0;
    const first = new RehearsalCluster({
      members: ['a', 'b'],
      readReal: async () => (reads++, VMS),
      readFree: async () => (frees++, [{ name: 'a', memory_free_mib: 16_384, vcpus_free: 8 }, { name: 'b', memory_free_mib: 16_384, vcpus_free: 8 }]),
      runDir,
      stateFile: join(runDir, 'sim-host.json'),
    });
    expect((await first.list()).map((one) => [one.name, one.host, one.state])).toEqual([['a1', 'a', 'running'], ['a2', 'a', 'shut-off'], ['b1', 'b', 'running']]);
    await first.list();
    expect([reads, frees]).toEqual([1, 1]);
    expect(JSON.parse(readFileSync(join(runDir, REHEARSAL_CAPACITY_FILE), 'utf8'))).toMatchObject({ source: 'members' });
    expect(existsSync(rehearsalInventoryPath(runDir))).toBe(true);
    const again = new RehearsalCluster({ members: ['a', 'b'], readReal: async () => { throw new Error('asked again'); }, runDir });
    expect((await again.list()).map((one) => one.name)).toEqual(['a1', 'a2', 'b1']);
  });

  it('a saved inventory is rehearsed offline: the members are not asked for their room, and the default is said', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'patchwalk-rc-'));
    keepRehearsalInventory(runDir, VMS);
    const notices: string[] = [];
    const cluster = new RehearsalCluster({
      members: ['a', 'b'],
      readReal: async () => { throw new Error('asked'); },
      readFree: async () => { throw new Error('asked for room'); },
      runDir,
      notice: (text) => notices.push(text),
    });
    expect((await cluster.membersFree()).map((member) => member.name)).toEqual(['a', 'b']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('room for every VM (14336 MiB, 6 vCPUs)');
  });
});
