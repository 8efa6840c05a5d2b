import { describe, expect, it } from 'vitest';
import { ProxmoxProvider } from '../../src/inventory/proxmox-provider.js';
import { parseQemuConfig, parseQemuList, parseQmStatus } from '../../src/inventory/proxmox-parse.js';
import { fixture, recorded } from './recorded.js';

describe('Proxmox parsing (recorded pvesh and qm output)', () => {
  it('reads the qemu list sorted by vmid, with tags, templates marked, and an empty node', () => {
    const vms = parseQemuList(fixture('proxmox/qemu-list.json'));
    expect(vms.map((vm) => [vm.vmid, vm.name, vm.state, vm.template])).toEqual([
      ['100', 'db01', 'shut-off', false],
      ['101', 'web01', 'running', false],
      ['105', 'evil;$(touch pwned)', 'running', false],
      ['9000', 'tmpl-debian12', 'shut-off', true],
    ]);
    expect(vms[1]).toMatchObject({ vcpus: 2, memoryMib: 4096, tags: ['prod', 'web'] });
    expect(parseQemuList(fixture('proxmox/qemu-list-empty.json'))).toEqual([]);
  });

  it('reads onboot and the startup order, and qm status', () => {
    expect(parseQemuConfig(fixture('proxmox/qemu-101-config.json'))).toEqual({ onboot: true, order: 2 });
    expect(parseQemuConfig(fixture('proxmox/qemu-100-config.json'))).toEqual({ onboot: false, order: undefined });
    expect(parseQmStatus(fixture('proxmox/qm-status-running.txt'))).toBe('running');
    expect(parseQmStatus(fixture('proxmox/qm-status-stopped.txt'))).toBe('shut-off');
  });
});

function node(states: Record<string, string>) {
  return recorded((argv) => {
    if (argv[0] === 'pvesh' && argv[2] === '/nodes/pve1/qemu') return { stdout: fixture('proxmox/qemu-list.json') };
    const config = /^\/nodes\/pve1\/qemu\/(\d+)\/config$/.exec(argv[2] ?? '');
    if (argv[0] === 'pvesh' && config) return { stdout: fixture(`proxmox/qemu-${config[1]}-config.json`) };
    if (argv[0] === 'qm' && argv[1] === 'status') return { stdout: `status: ${states[argv[2]] ?? 'stopped'}\n` };
    if (argv[0] === 'qm' && (argv[1] === 'shutdown' || argv[1] === 'stop')) return (states[argv[2]] = 'stopped'), {};
    if (argv[0] === 'qm' && argv[1] === 'start') return (states[argv[2]] = 'running'), {};
    if (argv[0] === 'qm' && argv[1] === 'migrate') return {};
    return undefined;
  });
}

describe('Proxmox provider', () => {
  it('lists the node’s VMs without templates, autostart from onboot', async () => {
    const { run } = node({});
    const vms = await new ProxmoxProvider('pve1', run).list();
    expect(vms.map((vm) => [vm.name, vm.id, vm.autostart])).toEqual([
      ['db01', '100', false],
      ['web01', '101', true],
      ['evil;$(touch pwned)', '105', false],
    ]);
  });

  it('qm shutdown, qm stop, qm start and qm migrate --online go by vmid', async () => {
    const states: Record<string, string> = { 101: 'running', 105: 'running' };
    const { run, calls } = node(states);
    const provider = new ProxmoxProvider('pve1', run, 5);
    const onState = () => {};
    expect(await provider.power({ action: 'shutdown', vms: ['evil;$(touch pwned)'], timeoutMs: 3000, concurrency: 1, onState })).toEqual([
      { name: 'evil;$(touch pwned)', outcome: 'ok' },
    ]);
    expect(calls).toContainEqual(['qm', 'shutdown', '105', '--timeout', '8']);
    await provider.power({ action: 'poweroff', vms: ['web01'], timeoutMs: 1000, concurrency: 1, onState });
    expect(calls).toContainEqual(['qm', 'stop', '101']);
    await provider.power({ action: 'start', vms: ['web01'], timeoutMs: 1000, concurrency: 1, onState });
    expect(calls).toContainEqual(['qm', 'start', '101']);
    expect(await provider.power({ action: 'migrate', vms: ['web01'], to: 'pve2', timeoutMs: 1000, concurrency: 1, onState })).toEqual([{ name: 'web01', outcome: 'ok' }]);
    expect(calls).toContainEqual(['qm', 'migrate', '101', 'pve2', '--online']);
  });

  it('errors name the command and the VM', async () => {
    const { run } = recorded((argv) => {
      if (argv[0] === 'pvesh') return { exitCode: 255, stderr: fixture('proxmox/pvesh-error-bad-node.txt') };
      return undefined;
    });
    await expect(new ProxmoxProvider('pve9', run).list()).rejects.toThrow(
      "pvesh get /nodes/pve9/qemu failed: hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known",
    );
    const states: Record<string, string> = { 101: 'running' };
    const base = node(states);
    const failing = recorded((argv) => (argv[0] === 'qm' && argv[1] === 'shutdown' ? { exitCode: 2, stderr: fixture('proxmox/qm-error-no-vm.txt') } : undefined));
    const mixed = async (argv: string[], options?: object) => (argv[1] === 'shutdown' ? failing.run(argv, options) : base.run(argv, options));
    const [result] = await new ProxmoxProvider('pve1', mixed, 5).power({ action: 'shutdown', vms: ['web01'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(result.message).toBe("qm shutdown web01 (101) failed: Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
  });
});
