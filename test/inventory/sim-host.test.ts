import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimHost } from '../../src/inventory/sim-host.js';
import type { VmState } from '../../src/engine/types.js';

const vms = [
  { name: 'web01', shutdown_time: '2s', autostart: true },
  { name: 'stuck01', ignores_shutdown: true },
  { name: 'off01', state: 'shut-off' as const },
];

function host() {
  return new SimHost({ vms, rebootTime: '4s', speed: 20 });
}

describe('the simulated host', () => {
  it('lists VMs with their states and defaults', async () => {
    expect(await host().list()).toEqual([
      { name: 'web01', id: '1', state: 'running', vcpus: 2, memory_mib: 2048, tags: [], autostart: true },
      { name: 'stuck01', id: '2', state: 'running', vcpus: 2, memory_mib: 2048, tags: [], autostart: false },
      { name: 'off01', id: '3', state: 'shut-off', vcpus: 2, memory_mib: 2048, tags: [], autostart: false },
    ]);
  });

  it('shuts VMs down gracefully over time; a guest that ignores it times out on its own', async () => {
    const sim = host();
    const seen: string[] = [];
    const onState = (name: string, state: VmState) => seen.push(`${name}:${state}`);
    const results = await sim.power({ action: 'shutdown', vms: ['web01', 'stuck01', 'off01'], timeoutMs: 400, concurrency: 3, onState });
    expect(results).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: 'stuck01', outcome: 'timeout' },
      { name: 'off01', outcome: 'ok' },
    ]);
    expect(seen).toEqual(['web01:shutting-down', 'web01:shut-off']);
    expect(await sim.power({ action: 'poweroff', vms: ['stuck01'], timeoutMs: 1000, concurrency: 1, onState })).toEqual([{ name: 'stuck01', outcome: 'ok' }]);
    expect(sim.states()).toEqual({ web01: 'shut-off', stuck01: 'shut-off', off01: 'shut-off' });
  });

  it('reboots: VMs go down, autostart VMs come back, and a short wait times out', async () => {
    const sim = host();
    const progress: string[] = [];
    expect(await sim.reboot({ host: 'sim01', waitMs: 5000, onProgress: (text) => progress.push(text) })).toEqual({ outcome: 'back' });
    expect(progress[0]).toBe('sim01 is going down (boot id 1)');
    expect(progress[1]).toMatch(/^sim01 is back \(boot id 2, after 0\.\ds\)$/);
    expect(sim.states()).toEqual({ web01: 'running', stuck01: 'shut-off', off01: 'shut-off' });
    expect(await sim.reboot({ host: 'sim01', waitMs: 50, onProgress: () => {} })).toEqual({ outcome: 'timeout' });
  });

  it('refuses to migrate a VM that is not running', async () => {
    const results = await host().power({ action: 'migrate', vms: ['off01', 'ghost'], timeoutMs: 1000, concurrency: 1, to: 'kvm02', onState: () => {} });
    expect(results).toEqual([
      { name: 'off01', outcome: 'error', message: 'cannot live-migrate a VM that is shut-off' },
      { name: 'ghost', outcome: 'error', message: 'no such VM on this host' },
    ]);
  });
});

describe('the simulated host: snapshots', () => {
  const request = (action: 'create' | 'revert' | 'delete', vms: string[], extra: object = {}) => ({
    action,
    vms,
    name: 'pre-patch',
    timeoutMs: 5000,
    concurrency: 2,
    onState: () => {},
    ...extra,
  });

  it('remembers snapshots per VM; a revert brings back the power state the snapshot had', async () => {
    const sim = new SimHost({ vms, speed: 50 });
    expect(await sim.snapshot(request('create', ['web01', 'off01'], { memory: true }))).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: 'off01', outcome: 'ok' },
    ]);
    expect(await sim.snapshot(request('create', ['stuck01'], { name: 'disk-only' }))).toEqual([{ name: 'stuck01', outcome: 'ok' }]);
    expect(sim.snapshotsOf('web01')).toEqual({ 'pre-patch': 'running' });
    expect(sim.snapshotsOf('off01')).toEqual({ 'pre-patch': 'shut-off' });
    // Without memory, a snapshot reverts to a VM that is off.
    expect(sim.snapshotsOf('stuck01')).toEqual({ 'disk-only': 'shut-off' });

    await sim.power({ action: 'poweroff', vms: ['web01'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    await sim.power({ action: 'start', vms: ['off01'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    const seen: string[] = [];
    const onState = (name: string, state: VmState) => seen.push(`${name}:${state}`);
    expect(await sim.snapshot(request('revert', ['web01', 'off01', 'stuck01'], { onState }))).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: 'off01', outcome: 'ok' },
      { name: 'stuck01', outcome: 'error', message: 'stuck01 has no snapshot named pre-patch' },
    ]);
    expect(seen.sort()).toEqual(['off01:shut-off', 'web01:running']);
    expect(sim.states()).toMatchObject({ web01: 'running', off01: 'shut-off' });

    expect(await sim.snapshot(request('create', ['web01']))).toEqual([{ name: 'web01', outcome: 'error', message: 'web01 already has a snapshot named pre-patch' }]);
    expect(await sim.snapshot(request('delete', ['web01', 'ghost']))).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: 'ghost', outcome: 'error', message: 'no such VM on this host' },
    ]);
    expect(sim.snapshotsOf('web01')).toEqual({});
  });

  it('takes realistic time: memory costs time per GiB, and a short timeout times out', async () => {
    const big = new SimHost({ vms: [{ name: 'db01', memory_mib: 65536 }], speed: 100 });
    // 1.5 s + 64 GiB at 1 s each = 65.5 s simulated, 655 ms at speed 100.
    expect(await big.snapshot(request('create', ['db01'], { memory: true, timeoutMs: 100 }))).toEqual([{ name: 'db01', outcome: 'timeout' }]);
    expect(await big.snapshot(request('create', ['db01'], { name: 'disk', timeoutMs: 100 }))).toEqual([{ name: 'db01', outcome: 'ok' }]);
  });

  it('refuses an unsafe snapshot name', async () => {
    const [result] = await new SimHost({ vms }).snapshot(request('create', ['web01'], { name: '../x' }));
    expect(result?.message).toMatch(/^snapshot name "..\/x" is not allowed/);
  });
});

describe('the simulated host: its state file', () => {
  it('is written once per batch of VM changes, not once per change, and keeps snapshots across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-sim-'));
    const stateFile = join(dir, 'sim-host.json');
    const many = Array.from({ length: 200 }, (_, index) => ({ name: `vm${index}`, shutdown_time: '1s' }));
    const sim = new SimHost({ vms: many, speed: 100, stateFile });
    const before = sim.writes;
    await sim.power({ action: 'shutdown', vms: many.map((vm) => vm.name), timeoutMs: 5000, concurrency: 200, onState: () => {} });
    await sim.snapshot({ action: 'create', vms: ['vm0'], name: 'pre-patch', timeoutMs: 5000, concurrency: 1, onState: () => {} });
    sim.flush();
    // 400 state changes; a handful of writes.
    expect(sim.writes - before).toBeLessThan(10);
    const again = new SimHost({ vms: many, speed: 100, stateFile });
    expect(Object.values(again.states()).every((state) => state === 'shut-off')).toBe(true);
    expect(again.snapshotsOf('vm0')).toEqual({ 'pre-patch': 'shut-off' });
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).snapshots).toEqual({ vm0: { 'pre-patch': 'shut-off' } });
  });
});
