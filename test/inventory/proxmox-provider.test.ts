import { describe, expect, it } from 'vitest';
import { ProxmoxProvider } from '../../src/inventory/proxmox-provider.js';
import { parseConfigDump, parseQemuConfig, parseQemuList, parseQmStatus, proxmoxState } from '../../src/inventory/proxmox-parse.js';
import { fixture, recorded } from './recorded.js';

function at<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item at index ${index}`);
  return item;
}

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

  it('--full 1: a paused VM is paused, not running, and QEMU’s other run states map to real states', () => {
    const byName = new Map(parseQemuList(fixture('proxmox/qemu-list-full.json')).map((vm) => [vm.name, vm]));
    const seen = (name: string) => [byName.get(name)?.state, byName.get(name)?.detail];
    expect(seen('web01')).toEqual(['running', undefined]);
    expect(seen('app02')).toEqual(['paused', undefined]);
    expect(seen('files01')).toEqual(['paused', 'io-error']);
    expect(seen('legacy-win')).toEqual(['paused', 'guest-panicked']);
    expect(seen('build01')).toEqual(['starting', 'prelaunch']);
    expect(seen('mail01')).toEqual(['migrated', 'postmigrate']);
    expect(seen('sleepy')).toEqual(['paused', 'hibernated']);
    expect(byName.get('backup-me')).toMatchObject({ state: 'running', lock: 'backup' });
    expect(byName.get('mail01')?.lock).toBe('migrate');
    expect(proxmoxState('running', 'inmigrate')).toEqual({ state: 'migrating', detail: 'inmigrate' });
  });

  it('Proxmox VE 6 lists no tags: undefined, so the config’s count', () => {
    const vms = parseQemuList(fixture('proxmox/qemu-list-full-pve6.json'));
    expect(vms.map((vm) => [vm.name, vm.tags, vm.lock])).toEqual([
      ['db01', undefined, undefined],
      ['web01', undefined, undefined],
      ['app02', undefined, 'snapshot'],
    ]);
  });

  it('reads onboot, the startup order, tags and lock from every config in one dump, and from pvesh config', () => {
    const configs = parseConfigDump(fixture('proxmox/qemu-server-configs.txt'));
    expect(configs.get('101')).toEqual({ onboot: true, order: 2, tags: ['prod', 'web'] });
    expect(configs.get('104')).toEqual({ onboot: false, order: undefined });
    expect(configs.get('108')).toEqual({ onboot: true, tags: ['prod'], lock: 'backup' });
    expect(configs.get('106')).toEqual({ onboot: false });
    expect(parseQemuConfig(fixture('proxmox/qemu-101-config.json'))).toEqual({ onboot: true, order: 2 });
    expect(parseQemuConfig(fixture('proxmox/qemu-100-config.json'))).toEqual({ onboot: false, order: undefined });
    expect(parseQmStatus(fixture('proxmox/qm-status-running.txt'))).toBe('running');
    expect(parseQmStatus(fixture('proxmox/qm-status-stopped.txt'))).toBe('shut-off');
  });

  it('marks a VM with a PCI device or a host USB device passed through as unable to live-migrate; a SPICE USB redirect moves', () => {
    const configs = parseConfigDump(['@pw-conf 120', 'onboot: 1', 'hostpci0: 0000:01:00.0,pcie=1', '@pw-conf 121', 'usb0: host=046d:c52b', '@pw-conf 122', 'usb0: spice', ''].join('\n'));
    expect(configs.get('120')?.unmovable).toBe('PCI passthrough (hostpci0)');
    expect(configs.get('121')?.unmovable).toBe('USB passthrough (usb0)');
    expect(configs.get('122')?.unmovable).toBeUndefined();
  });
});

const isList = (argv: string[]) => argv[0] === 'pvesh' && argv[1] === 'get' && /^\/nodes\/[^/]+\/qemu$/.test(argv[2] ?? '');
const isConfigDump = (argv: string[]) => argv[0] === 'sh' && argv[1] === '-c' && (argv[2] ?? '').includes('/etc/pve/nodes/$1/qemu-server');

function node(states: Record<string, string>, list = 'proxmox/qemu-list.json', configs = 'proxmox/qemu-server-configs.txt') {
  return recorded((argv) => {
    if (isList(argv)) {
      const rows = JSON.parse(fixture(list)) as Record<string, unknown>[];
      for (const row of rows) {
        const status = states[String(row.vmid)];
        if (!status) continue;
        row.status = status;
        if (status === 'running') row.qmpstatus = 'running';
        else delete row.qmpstatus;
      }
      return { stdout: JSON.stringify(rows) };
    }
    if (isConfigDump(argv)) return { stdout: fixture(configs) };
    if (argv[0] === 'qm' && (argv[1] === 'shutdown' || argv[1] === 'stop')) return (states[argv[2] ?? ''] = 'stopped'), {};
    if (argv[0] === 'qm' && argv[1] === 'start') return (states[argv[2] ?? ''] = 'running'), {};
    if (argv[0] === 'qm' && argv[1] === 'migrate') return {};
    return undefined;
  });
}

/** A node with `count` running VMs, vm1 … vmN, answering pvesh and qm like the real one. */
function bigNode(count: number) {
  const states: Record<string, string> = {};
  for (let index = 1; index <= count; index++) states[String(100 + index)] = 'running';
  return recorded((argv) => {
    if (isList(argv)) {
      const rows = Object.entries(states).map(([vmid, status]) => ({ vmid: Number(vmid), name: `vm${Number(vmid) - 100}`, status, cpus: 1, maxmem: 1073741824, ...(status === 'running' ? { qmpstatus: 'running' } : {}) }));
      return { stdout: JSON.stringify(rows) };
    }
    if (isConfigDump(argv)) return { stdout: Object.keys(states).map((vmid) => `@pw-conf ${vmid}\nonboot: 1\n`).join('') };
    if (argv[0] === 'qm' && argv[1] === 'shutdown') return (states[argv[2] ?? ''] = 'stopped'), {};
    if (argv[0] === 'qm' && argv[1] === 'start') return (states[argv[2] ?? ''] = 'running'), {};
    return undefined;
  });
}

describe('Proxmox provider', () => {
  it('lists the node’s VMs with one pvesh call and one config read, asking with --full 1', async () => {
    const { run, calls } = node({}, 'proxmox/qemu-list-full.json');
    const vms = await new ProxmoxProvider('pve1', run).list();
    expect(calls).toEqual([
      ['pvesh', 'get', '/nodes/pve1/qemu', '--full', '1', '--output-format', 'json'],
      ['sh', '-c', expect.stringContaining('sed -nE'), 'patchwalk', 'pve1'],
    ]);
    expect(vms.map((vm) => vm.name)).not.toContain('tmpl-debian12');
    const web = vms.find((vm) => vm.name === 'web01');
    expect(web).toEqual({ name: 'web01', id: '101', state: 'running', vcpus: 2, memory_mib: 4096, tags: ['prod', 'web'], autostart: true, startOrder: 2 });
    expect(vms.find((vm) => vm.name === 'app02')?.state).toBe('paused');
    expect(vms.find((vm) => vm.name === 'files01')).toMatchObject({ state: 'paused', detail: 'io-error', autostart: true });
    expect(vms.find((vm) => vm.name === 'backup-me')?.lock).toBe('backup');
    expect(vms.find((vm) => vm.name === 'db01')).toMatchObject({ autostart: true, startOrder: 1 });
  });

  it('takes tags and locks from the configs when Proxmox VE 6 lists none', async () => {
    const { run } = node({}, 'proxmox/qemu-list-full-pve6.json', 'proxmox/qemu-server-configs-pve6.txt');
    const vms = await new ProxmoxProvider('pve1', run).list();
    expect(vms.map((vm) => [vm.name, vm.tags, vm.startOrder ?? null, vm.lock ?? null])).toEqual([
      ['db01', ['db', 'prod'], 1, null],
      ['web01', ['web', 'prod'], 2, null],
      ['app02', [], null, 'snapshot'],
    ]);
  });

  it('listing 200 VMs takes 2 calls, and shutting down 40 polls all of them with one pvesh call at a time', async () => {
    const many = bigNode(200);
    expect(await new ProxmoxProvider('pve1', many.run).list()).toHaveLength(200);
    expect(many.calls).toHaveLength(2);

    const { run, calls } = bigNode(40);
    const provider = new ProxmoxProvider('pve1', run, 5);
    await provider.list();
    calls.length = 0;
    const names = Array.from({ length: 40 }, (_, index) => `vm${index + 1}`);
    const results = await provider.power({ action: 'shutdown', vms: names, timeoutMs: 5000, concurrency: 40, onState: () => {} });
    expect(results.every((result) => result.outcome === 'ok')).toBe(true);
    expect(calls.filter((argv) => argv[0] === 'qm' && argv[1] === 'shutdown')).toHaveLength(40);
    // One read before the commands, one after: the same for 4 VMs or 4,000.
    expect(calls.filter(isList)).toHaveLength(2);
    expect(calls.some((argv) => argv[1] === 'status')).toBe(false);
  });

  it('refuses to power-change a locked VM, naming the lock, and starts a hibernated one', async () => {
    const { run, calls } = node({}, 'proxmox/qemu-list-full.json');
    const provider = new ProxmoxProvider('pve1', run, 5);
    const [locked] = await provider.power({ action: 'shutdown', vms: ['backup-me'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(locked).toEqual({
      name: 'backup-me',
      outcome: 'error',
      message: 'backup-me (108) is locked (backup) on Proxmox; wait until the backup is over, or clear a stale lock with: qm unlock 108',
    });
    expect(calls.some((argv) => argv[0] === 'qm')).toBe(false);
    await provider.power({ action: 'start', vms: ['sleepy'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(calls).toContainEqual(['qm', 'start', '110']);
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
    const result = at(await new ProxmoxProvider('pve1', mixed, 5).power({ action: 'shutdown', vms: ['web01'], timeoutMs: 1000, concurrency: 1, onState: () => {} }), 0);
    expect(result.message).toBe("qm shutdown web01 (101) failed: Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
  });
});
