import { describe, expect, it } from 'vitest';
import type { Vm } from '../../src/engine/types.js';
import type { InventoryProvider, PowerRequest, RebootRequest } from '../../src/inventory/provider.js';
import { clusterHypervisor } from '../../src/rolling/cluster-hypervisor.js';
import type { Hypervisor } from '../../src/run/hypervisor.js';
import type { Runbook } from '../../src/runbook/schema.js';

const vm = (name: string): Vm => ({ name, id: name, state: 'running', vcpus: 2, memory_mib: 2048, tags: [], autostart: true });

describe('the hypervisor of a cluster of real members', () => {
  it('builds each member from its own settings, lists every member with hosts, and sends migrations, reboots and capacity to the right member', async () => {
    const calls: string[] = [];
    const built: Runbook[] = [];
    const fake = (runbook: Runbook): Hypervisor => {
      built.push(runbook);
      const me = runbook.target?.name ?? '?';
      const provider: InventoryProvider & { capacity(): Promise<{ memory_free_mib: number; vcpus_free: number }> } = {
        kind: 'libvirt',
        list: async () => (me === 'kvm1' ? [vm('a'), vm('b')] : [vm('c')]),
        power: async (request: PowerRequest) => {
          calls.push(`${me}: ${request.action} ${request.vms.join(',')}${request.to ? ` to ${request.to}` : ''}`);
          return request.vms.map((name) => ({ name, outcome: 'ok' as const }));
        },
        capacity: async () => ({ memory_free_mib: me === 'kvm1' ? 1000 : 2000, vcpus_free: 8 }),
      };
      return { provider, host: { reboot: async (request: RebootRequest) => (calls.push(`${me}: reboot ${request.host}`), { outcome: 'back' }) } };
    };
    const runbook = { runbook: 1, title: 't', inventory: { provider: 'libvirt', uri: 'qemu:///system' }, steps: [] } as unknown as Runbook;
    const members = [
      { name: 'kvm1', ssh: 'root@kvm1', uri: 'qemu+ssh://root@kvm1/system', vars: {} },
      { name: 'kvm2', ssh: 'root@kvm2', uri: 'qemu+ssh://root@kvm2/system', vars: {} },
    ];
    const cluster = clusterHypervisor(runbook, members, {}, fake);
    expect(built.map((part) => [part.inventory?.uri, part.target?.ssh])).toEqual([
      ['qemu+ssh://root@kvm1/system', 'root@kvm1'],
      ['qemu+ssh://root@kvm2/system', 'root@kvm2'],
    ]);
    expect((await cluster.provider.list()).map((listed) => `${listed.name}@${listed.host}`)).toEqual(['a@kvm1', 'b@kvm1', 'c@kvm2']);
    const results = await cluster.provider.power({ action: 'migrate', vms: ['a', 'c'], to: 'kvm2', timeoutMs: 1000, concurrency: 1, onState: () => {} });
    // a goes from kvm1 to kvm2's URI; c is on kvm2 already and is not moved.
    expect(calls).toEqual(['kvm1: migrate a to qemu+ssh://root@kvm2/system']);
    expect(results.map((result) => result.outcome)).toEqual(['ok', 'ok']);
    await cluster.host.reboot({ host: 'kvm2', waitMs: 1000, onProgress: () => {} });
    expect(calls.at(-1)).toBe('kvm2: reboot kvm2');
    expect(await cluster.cluster.capacity()).toEqual([
      { name: 'kvm1', memory_free_mib: 1000, vcpus_free: 8 },
      { name: 'kvm2', memory_free_mib: 2000, vcpus_free: 8 },
    ]);
    expect(cluster.cluster.sshFor('kvm2')).toBe('root@kvm2');
  });
});
