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
