// Provider capacity, cluster maintenance and migration between members, on recorded output.
import { describe, expect, it } from 'vitest';
import {
  capacityFrom,
  haMaintenanceReached,
  parseClusterNodes,
  parseClusterResources,
  parseFreecellTotal,
  parseHaStatus,
  parseHypervCapacity,
  parseNodeInfo,
  parseNodeMemStats,
  proxmoxCapacity,
  unmovableFromDomainXml,
} from '../../src/cluster/capacity-parse.js';
import { EsxiProvider } from '../../src/inventory/esxi-provider.js';
import { decodeScript } from '../../src/inventory/hyperv-parse.js';
import { HypervProvider } from '../../src/inventory/hyperv-provider.js';
import { LibvirtProvider } from '../../src/inventory/libvirt-provider.js';
import { ProxmoxProvider } from '../../src/inventory/proxmox-provider.js';
import { HOST_MEMORY_RESERVE_MIB, PLACEMENT_VCPU_RATIO } from '../../src/limits.js';
import { fixture, recorded } from '../inventory/recorded.js';

describe('capacity arithmetic', () => {
  it('keeps a memory reserve for the host and counts vCPUs against logical CPUs times the overcommit ratio', () => {
    expect(capacityFrom({ cpus: 8, memoryAvailableMib: 10_000, runningVcpus: 20 })).toEqual({ memory_free_mib: 10_000 - HOST_MEMORY_RESERVE_MIB, vcpus_free: 8 * PLACEMENT_VCPU_RATIO - 20 });
    expect(capacityFrom({ cpus: 2, memoryAvailableMib: 100, runningVcpus: 99 })).toEqual({ memory_free_mib: 0, vcpus_free: 0 });
  });
});

describe('libvirt (virsh output captured from libvirt 9.0.0 on the qemu and test drivers)', () => {
  it('reads nodeinfo, nodememstats and freecell', () => {
    expect(parseNodeInfo(fixture('libvirt/capacity/nodeinfo-qemu.txt'))).toEqual({ cpus: 2, memoryMib: Math.floor(10184908 / 1024) });
    expect(parseNodeInfo(fixture('libvirt/capacity/nodeinfo-test-driver.txt'))).toEqual({ cpus: 16, memoryMib: 3072 });
    expect(parseNodeMemStats(fixture('libvirt/capacity/nodememstats-qemu.txt'))).toBe(Math.floor((20765860 + 40120 + 2130900) / 1024));
    expect(parseFreecellTotal(fixture('libvirt/capacity/freecell-qemu.txt'))).toBe(Math.floor(6266504 / 1024));
    expect(() => parseNodeInfo('garbage')).toThrow('cannot read virsh nodeinfo: no "CPU(s):" line');
  });

  it('capacity(): nodeinfo, nodememstats and the running domains; freecell where the driver has no memory stats', async () => {
    const answer = (noMemStats: boolean) =>
      recorded((argv) => {
        const verb = argv[3];
        if (verb === 'nodeinfo') return { stdout: fixture('libvirt/capacity/nodeinfo-test-driver.txt') };
        if (verb === 'nodememstats') return noMemStats ? { exitCode: 1, stderr: fixture('libvirt/capacity/nodememstats-test-driver-error.txt') } : { stdout: fixture('libvirt/capacity/nodememstats-qemu.txt') };
        if (verb === 'freecell') return { stdout: fixture('libvirt/capacity/freecell-qemu.txt') };
        if (verb === 'list' && argv.includes('--name')) return { stdout: 'aaaaaaaa-1111-2222-3333-444444444444 web1\nbbbbbbbb-1111-2222-3333-444444444444 db1\n' };
        if (verb === 'list') return { stdout: '' };
        if (verb === 'domstats') return { stdout: "Domain: 'web1'\n  state.state=1\n  vcpu.current=4\n  balloon.maximum=4194304\n\nDomain: 'db1'\n  state.state=5\n  vcpu.current=8\n  balloon.maximum=8388608\n" };
        return undefined;
      });
    const withStats = answer(false);
    const capacity = await new LibvirtProvider('qemu+ssh://root@kvm2/system', withStats.run).capacity();
    expect(capacity).toEqual({ memory_free_mib: Math.floor((20765860 + 40120 + 2130900) / 1024) - HOST_MEMORY_RESERVE_MIB, vcpus_free: 16 * PLACEMENT_VCPU_RATIO - 4 });
    expect(withStats.calls.every((argv) => argv[0] === 'virsh' && argv[1] === '-c' && argv[2] === 'qemu+ssh://root@kvm2/system')).toBe(true);
    const testDriver = answer(true);
    expect((await new LibvirtProvider('test:///default', testDriver.run).capacity()).memory_free_mib).toBe(Math.floor(6266504 / 1024) - HOST_MEMORY_RESERVE_MIB);
    expect(testDriver.calls.map((argv) => argv[3])).toContain('freecell');
  });

  it('migration to a member is virsh migrate --live --persistent --undefinesource to the member’s URI, by UUID', () => {
    expect(LibvirtProvider.powerArgs('migrate', 'aaaaaaaa-1111-2222-3333-444444444444', 'qemu+ssh://root@kvm2.example.net/system')).toEqual([
      'migrate', '--live', '--persistent', '--undefinesource', '--verbose', '--domain', 'aaaaaaaa-1111-2222-3333-444444444444', '--desturi', 'qemu+ssh://root@kvm2.example.net/system',
    ]);
  });

  it('a domain with a host device passed through cannot migrate', () => {
    expect(unmovableFromDomainXml("<domain><devices><hostdev mode='subsystem' type='pci' managed='yes'><source/></hostdev></devices></domain>")).toBe('PCI passthrough (hostdev)');
    expect(unmovableFromDomainXml("<domain><devices><disk type='file'/></devices></domain>")).toBeUndefined();
  });
});

describe('Proxmox (pvesh /cluster/resources and ha-manager status, reconstructed from the API schema and ha-manager source)', () => {
  const resources = parseClusterResources(fixture('proxmox/cluster/cluster-resources.json'));

  it('reads nodes and VMs of the whole cluster, leaving out templates and containers', () => {
    expect([...resources.nodes.keys()]).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    expect(resources.guests.map((guest) => [guest.vmid, guest.node, guest.running, guest.hastate])).toEqual([
      ['100', 'pve1', true, 'started'],
      ['101', 'pve1', true, 'started'],
      ['102', 'pve1', false, undefined],
      ['200', 'pve2', true, undefined],
    ]);
  });

  it('a node’s capacity is its memory not in use and its CPUs less its running VMs’ vCPUs; an offline node is refused', () => {
    expect(proxmoxCapacity(resources, 'pve1')).toEqual({ memory_free_mib: Math.floor(270188752896 / 1048576) - Math.ceil(121345630208 / 1048576) - HOST_MEMORY_RESERVE_MIB, vcpus_free: 32 * PLACEMENT_VCPU_RATIO - 12 });
    expect(proxmoxCapacity(resources, 'pve3').memory_free_mib).toBe(Math.max(0, Math.floor(135094353920 / 1048576) - Math.ceil(126701535232 / 1048576) - HOST_MEMORY_RESERVE_MIB));
    expect(() => proxmoxCapacity(resources, 'pve4')).toThrow('node pve4 is not online');
    expect(() => proxmoxCapacity(resources, 'pve9')).toThrow('node pve9 is not in the cluster’s resources'.replace('’', "'"));
  });

  it('capacity() makes one pvesh call over the node’s connection', async () => {
    const { run, calls } = recorded((argv) => (argv[1] === 'get' && argv[2] === '/cluster/resources' ? { stdout: fixture('proxmox/cluster/cluster-resources.json') } : undefined));
    expect((await new ProxmoxProvider('pve2', run).capacity()).vcpus_free).toBe(32 * PLACEMENT_VCPU_RATIO - 16);
    expect(calls).toEqual([['pvesh', 'get', '/cluster/resources', '--output-format', 'json']]);
  });

  it('reads ha-manager status: quorum, the LRM of each node, the HA resources', () => {
    const status = parseHaStatus(fixture('proxmox/cluster/ha-status.txt'));
    expect(status.quorate).toBe(true);
    expect(status.master).toBe('pve2');
    expect([...status.lrm]).toEqual([['pve1', 'active'], ['pve2', 'active'], ['pve3', 'idle']]);
    expect(status.services).toEqual([{ sid: 'vm:100', node: 'pve1', state: 'started' }, { sid: 'vm:101', node: 'pve1', state: 'started' }, { sid: 'vm:200', node: 'pve2', state: 'started' }]);
    expect(parseHaStatus(fixture('proxmox/cluster/ha-status-no-ha.txt')).services).toEqual([]);
  });

  it('maintenance(): enables HA node maintenance, then waits until the node is in maintenance mode with no HA guest still leaving', async () => {
    const answers = ['ha-status.txt', 'ha-status-maintenance-moving.txt', 'ha-status-maintenance-done.txt'];
    const { run, calls } = recorded((argv) => {
      if (argv[0] === 'ha-manager' && argv[1] === 'crm-command') return { stdout: '' };
      if (argv[0] === 'ha-manager' && argv[1] === 'status') return { stdout: fixture(`proxmox/cluster/${answers.shift() ?? 'ha-status-maintenance-done.txt'}`) };
      return undefined;
    });
    await new ProxmoxProvider('pve2', run).maintenance('pve1', true, { pollMs: 1 });
    expect(calls[0]).toEqual(['ha-manager', 'crm-command', 'node-maintenance', 'enable', 'pve1']);
    expect(calls.filter((argv) => argv[1] === 'status')).toHaveLength(3);
    expect(ProxmoxProvider.maintenanceArgs('pve1', false)).toEqual(['ha-manager', 'crm-command', 'node-maintenance', 'disable', 'pve1']);
    expect(haMaintenanceReached(parseHaStatus(fixture('proxmox/cluster/ha-status-maintenance-done.txt')), 'pve1', false)).toBe(false);
    expect(haMaintenanceReached(parseHaStatus(fixture('proxmox/cluster/ha-status.txt')), 'pve1', false)).toBe(true);
  });

  it('maintenance() that never takes hold is reported with what is still on the node', async () => {
    const { run } = recorded((argv) => (argv[0] === 'ha-manager' ? { stdout: argv[1] === 'status' ? fixture('proxmox/cluster/ha-status-maintenance-moving.txt') : '' } : undefined));
    await expect(new ProxmoxProvider('pve2', run).maintenance('pve1', true, { pollMs: 1, timeoutMs: 5 })).rejects.toThrow(
      'node pve1 did not enter HA maintenance in time (lrm: maintenance mode; HA guests still there: vm:100)',
    );
  });

  it('migration to a member is qm migrate VMID NODE --online', () => {
    expect(ProxmoxProvider.powerArgs('migrate', '100', { to: 'pve2' })).toEqual(['qm', 'migrate', '100', 'pve2', '--online']);
  });
});

describe('Hyper-V (PowerShell 5.1 ConvertTo-Json, reconstructed from the cmdlet documentation)', () => {
  it('reads the host capacity script’s output', () => {
    expect(parseHypervCapacity(fixture('hyperv/cluster/host-capacity-ps51.json'))).toEqual({ memory_free_mib: Math.floor(150994944 / 1024) - HOST_MEMORY_RESERVE_MIB, vcpus_free: 48 * PLACEMENT_VCPU_RATIO - 64 });
    expect(() => parseHypervCapacity('{}')).toThrow('LogicalProcessorCount or FreePhysicalMemory is missing');
  });

  it('reads Get-ClusterNode with numeric enums (5.1) and with words', () => {
    expect(parseClusterNodes(fixture('hyperv/cluster/get-clusternode-ps51.json'))).toEqual([
      { name: 'HV01', state: 'Paused', drainStatus: 'Completed' },
      { name: 'HV02', state: 'Up', drainStatus: 'NotInitiated' },
      { name: 'HV03', state: 'Down', drainStatus: 'NotInitiated' },
    ]);
  });

  it('maintenance(): Suspend-ClusterNode -Drain -Wait, then the node must be Paused with the drain Completed', async () => {
    let answer = 'hyperv/cluster/suspend-drain-completed.json';
    const { run, calls } = recorded(() => ({ stdout: fixture(answer) }));
    const provider = new HypervProvider(run, 5);
    await provider.maintenance("HV01", true);
    const script = decodeScript(calls[0]!);
    expect(script).toContain("Suspend-ClusterNode -Name 'HV01' -Drain -Wait -ErrorAction Stop");
    answer = 'hyperv/cluster/suspend-drain-failed.json';
    await expect(provider.maintenance('HV01', true)).rejects.toThrow('draining HV01 did not complete: state Paused, drain Failed');
    answer = 'hyperv/cluster/resume-up.json';
    await provider.maintenance('HV01', false);
    expect(decodeScript(calls[2]!)).toContain("Resume-ClusterNode -Name 'HV01' -Failback Immediate -ErrorAction Stop");
  });

  it('a node name is a quoted PowerShell literal, never code', () => {
    expect(HypervProvider.maintenanceScript("hv'01; Remove-Item C:\\", true)).toContain("-Name 'hv''01; Remove-Item C:\\'");
  });

  it('migration to a member is Move-VM -DestinationHost', () => {
    expect(HypervProvider.powerScript('migrate', 'web01', 'HV02')).toMatch(/Move-VM -VM \$vm -DestinationHost 'HV02'$/);
  });
});

describe('ESXi', () => {
  it('refuses live migration without vCenter, naming the alternative', async () => {
    const { run, calls } = recorded((argv) => {
      if (argv[1] === 'vmsvc/getallvms') return { stdout: fixture('esxi/getallvms-vcls.txt') };
      if (argv[0] === 'sh') return { stdout: argv.slice(4).map((id) => `@pw-vm ${id}\nRetrieved runtime info\nPowered on\n`).join('') };
      return undefined;
    });
    const provider = new EsxiProvider(run, 5);
    const [result] = await provider.power({ action: 'migrate', vms: ['vcenter01'], to: 'esx2', timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(calls.some((argv) => argv.some((word) => word.includes('migrate')))).toBe(false);
    expect(result?.message).toBe('a standalone ESXi host cannot live-migrate: use vMotion from vCenter, or shut the VM down');
    expect('maintenance' in provider).toBe(false);
  });
});
