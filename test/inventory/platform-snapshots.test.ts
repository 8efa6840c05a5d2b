// Snapshots on Hyper-V, ESXi and Proxmox: the commands built, and recorded output parsed.
import { describe, expect, it } from 'vitest';
import { decodeScript, HypervProvider } from '../../src/inventory/hyperv-provider.js';
import { EsxiProvider } from '../../src/inventory/esxi-provider.js';
import { parseSnapshotTree } from '../../src/inventory/esxi-snapshot-parse.js';
import { ProxmoxProvider } from '../../src/inventory/proxmox-provider.js';
import { snapshotNameProblem } from '../../src/inventory/snapshot-name.js';
import type { SnapshotRequest } from '../../src/inventory/provider.js';
import type { VmState } from '../../src/engine/types.js';
import { fixture, recorded } from './recorded.js';

function request(action: SnapshotRequest['action'], vms: string[], extra: Partial<SnapshotRequest> = {}) {
  const states: string[] = [];
  return {
    states,
    request: { action, vms, name: 'pre-patch', timeoutMs: 60_000, concurrency: 2, onState: (name: string, state: VmState) => states.push(`${name}:${state}`), ...extra },
  };
}

describe('snapshot names', () => {
  it('takes letters, digits, dots, underscores and dashes, and refuses anything a tool could read as more', () => {
    expect(snapshotNameProblem('pre-patch_2026.11')).toBeUndefined();
    for (const bad of ['', '-rf', '.hidden', 'a b', 'a;b', "o'brien", '$(x)', 'x'.repeat(65), 'név']) {
      expect(snapshotNameProblem(bad), bad).toMatch(/^snapshot name .* is not allowed: use 1 to 64 letters/);
    }
  });

  it('every provider refuses a bad name before running anything', async () => {
    const { run, calls } = recorded(() => ({}));
    for (const provider of [new HypervProvider(run), new EsxiProvider(run), new ProxmoxProvider('pve1', run)]) {
      const [result] = await provider.snapshot(request('create', ['web01'], { name: 'a b; reboot' }).request);
      expect(result).toMatchObject({ name: 'web01', outcome: 'error', message: expect.stringMatching(/^snapshot name "a b; reboot" is not allowed/) });
    }
    expect(calls).toEqual([]);
  });
});

describe('Hyper-V checkpoints', () => {
  it('builds Checkpoint-VM with the checkpoint type for this checkpoint only, and refuses a name in use', () => {
    const disk = HypervProvider.snapshotScript({ action: 'create', name: 'pre-patch' }, "o'brien");
    expect(disk).toContain(`Where-Object { $_.Name -ceq 'o''brien' }`);
    expect(disk).toContain("Set-VM -VM $vm -CheckpointType ProductionOnly");
    expect(disk).toContain("try { Checkpoint-VM -VM $vm -SnapshotName 'pre-patch' -Confirm:$false } finally { Set-VM -VM $vm -CheckpointType $type }");
    expect(disk).toContain("if (@(Get-VMSnapshot -VM $vm -Name 'pre-patch').Count -gt 0) { throw");
    expect(HypervProvider.snapshotScript({ action: 'create', name: 'p', memory: true }, 'a')).toContain('-CheckpointType Standard');
    expect(HypervProvider.snapshotScript({ action: 'create', name: 'p', quiesce: false }, 'a')).toContain('-CheckpointType Production;');
    expect(HypervProvider.snapshotScript({ action: 'revert', name: 'p' }, 'a')).toMatch(/if \(\$cp\.Count -ne 1\) \{ throw .*; Restore-VMCheckpoint -VMSnapshot \$cp\[0\] -Confirm:\$false; \(Get-VM -Id \$vm\.Id\)\.State\.ToString\(\)$/);
    expect(HypervProvider.snapshotScript({ action: 'delete', name: 'p' }, 'a')).toMatch(/Remove-VMCheckpoint -VMSnapshot \$cp\[0\] -Confirm:\$false$/);
  });

  it('runs one PowerShell per VM, reports the state a revert left, and names the VM when VSS is missing', async () => {
    const { run, calls } = recorded((argv) => {
      const script = decodeScript(argv);
      if (script.includes("'web01'") && script.includes('Checkpoint-VM')) return { exitCode: 1, stderr: fixture('hyperv/checkpoint-vm-error-production-only.txt') };
      if (script.includes('Restore-VMCheckpoint')) return { stdout: fixture('hyperv/restore-vmcheckpoint-state-saved.txt') };
      return {};
    });
    const provider = new HypervProvider(run);
    expect(await provider.snapshot(request('create', ['web01', 'db01']).request)).toEqual([
      {
        name: 'web01',
        outcome: 'error',
        message: `Checkpoint-VM web01 failed: Could not create backup checkpoint for virtual machine 'web01': The Hyper-V Volume Shadow Copy Service integration service is not enabled or not responding. (Virtual machine ID 4A1C1E3E-3D1B-4E0A-9B7E-0D3C1F2A5B61)`,
      },
      { name: 'db01', outcome: 'ok' },
    ]);
    expect(calls).toHaveLength(2);
    const revert = request('revert', ['db01']);
    expect(await provider.snapshot(revert.request)).toEqual([{ name: 'db01', outcome: 'ok' }]);
    expect(revert.states).toEqual(['db01:paused']);
  });
});

function esxiHost(tree: Record<string, string>, answers: (argv: string[]) => object | undefined = () => undefined) {
  return recorded((argv) => {
    const special = answers(argv);
    if (special) return special;
    const [, verb, vmid] = argv;
    if (verb === 'vmsvc/getallvms') return { stdout: fixture('esxi/getallvms.txt') };
    if (verb === 'hostsvc/autostartmanager/get_autostartseq') return { stdout: fixture('esxi/autostartseq.txt') };
    if (verb === 'vmsvc/get.summary') return { stdout: fixture('esxi/get-summary-3.txt') };
    if (verb === 'vmsvc/snapshot.get') return { stdout: fixture(tree[vmid!] ?? 'esxi/snapshot-get-empty.txt') };
    if (verb === 'vmsvc/power.getstate') return { stdout: fixture('esxi/power-getstate-on.txt') };
    if (verb?.startsWith('vmsvc/snapshot.')) return { stdout: '' };
    return undefined;
  });
}

describe('ESXi snapshots', () => {
  it('reads the snapshot tree with ids and depth (vim-cmd spells Desciption)', () => {
    expect(parseSnapshotTree(fixture('esxi/snapshot-get.txt'))).toEqual([
      { name: 'pre-patch', id: '1', state: 'powered on', depth: 0 },
      { name: 'after-fix', id: '4', state: 'powered off', depth: 1 },
      { name: 'pre-patch.2', id: '7', state: 'powered off', depth: 2 },
    ]);
    expect(parseSnapshotTree(fixture('esxi/snapshot-get-empty.txt'))).toEqual([]);
  });

  it('builds snapshot.create with includeMemory and quiesced, revert and remove by snapshot id', () => {
    expect(EsxiProvider.snapshotArgs({ action: 'create', name: 'pre-patch' }, '12')).toEqual(['vim-cmd', 'vmsvc/snapshot.create', '12', 'pre-patch', 'patchwalk', '0', '1']);
    expect(EsxiProvider.snapshotArgs({ action: 'create', name: 'p', memory: true, quiesce: true }, '12')).toEqual(['vim-cmd', 'vmsvc/snapshot.create', '12', 'p', 'patchwalk', '1', '0']);
    expect(EsxiProvider.snapshotArgs({ action: 'create', name: 'p', quiesce: false }, '12').slice(-2)).toEqual(['0', '0']);
    expect(EsxiProvider.snapshotArgs({ action: 'revert', name: 'p' }, '12', '4')).toEqual(['vim-cmd', 'vmsvc/snapshot.revert', '12', '4', '0']);
    expect(EsxiProvider.snapshotArgs({ action: 'delete', name: 'p' }, '12', '4')).toEqual(['vim-cmd', 'vmsvc/snapshot.remove', '12', '4']);
  });

  it('finds the id by name, goes by vmid, refuses a taken or doubled name, and reports faults', async () => {
    const { run, calls } = esxiHost({ 12: 'esxi/snapshot-get.txt', 3: 'esxi/snapshot-get-duplicate.txt' }, (argv) =>
      argv[1] === 'vmsvc/snapshot.create' && argv[2] === '4' ? { stdout: fixture('esxi/snapshot-create-no-space.txt') } : undefined,
    );
    const provider = new EsxiProvider(run);
    const revert = request('revert', ['db01', 'web 01 (prod)']);
    expect(await provider.snapshot(revert.request)).toEqual([
      { name: 'db01', outcome: 'ok' },
      { name: 'web 01 (prod)', outcome: 'error', message: 'web 01 (prod) has 2 snapshots named pre-patch' },
    ]);
    expect(calls).toContainEqual(['vim-cmd', 'vmsvc/snapshot.revert', '12', '1', '0']);
    expect(revert.states).toEqual(['db01:running']);
    expect(await provider.snapshot(request('create', ['db01', 'evil;$(touch pwned)']).request)).toEqual([
      { name: 'db01', outcome: 'error', message: 'db01 already has a snapshot named pre-patch' },
      { name: 'evil;$(touch pwned)', outcome: 'error', message: "vim-cmd vmsvc/snapshot.create evil;$(touch pwned) failed: FileFault: Insufficient disk space on datastore 'datastore1'." },
    ]);
    expect(await provider.snapshot(request('delete', ['vcenter01']).request)).toEqual([
      { name: 'vcenter01', outcome: 'error', message: 'vcenter01 has 0 snapshots named pre-patch' },
    ]);
    expect(calls.flat().some((arg) => arg.includes('touch'))).toBe(false);
  });
});

function pveNode(answers: (argv: string[]) => object | undefined = () => undefined) {
  return recorded((argv) => {
    const special = answers(argv);
    if (special) return special;
    if (argv[0] === 'pvesh' && argv[2] === '/nodes/pve1/qemu') return { stdout: fixture('proxmox/qemu-list.json') };
    if (argv[0] === 'sh' && argv[2]?.includes('/etc/pve/nodes/$1/qemu-server')) return { stdout: fixture('proxmox/qemu-server-configs.txt') };
    const config = /^\/nodes\/pve1\/qemu\/(\d+)\/config$/.exec(argv[2] ?? '');
    if (argv[0] === 'pvesh' && config) return { stdout: fixture(`proxmox/qemu-${config[1]}-config.json`) };
    if (argv[0] === 'qm' && argv[1] === 'status') return { stdout: fixture('proxmox/qm-status-stopped.txt') };
    if (argv[0] === 'qm' && argv[1] === 'snapshot') return { stdout: fixture('proxmox/qm-snapshot-ok.txt') };
    if (argv[0] === 'qm' && ['rollback', 'delsnapshot'].includes(argv[1]!)) return {};
    return undefined;
  });
}

describe('Proxmox snapshots', () => {
  it('builds qm snapshot (with --vmstate for memory), rollback and delsnapshot by vmid', () => {
    expect(ProxmoxProvider.snapshotArgs({ action: 'create', name: 'pre-patch' }, '101')).toEqual(['qm', 'snapshot', '101', 'pre-patch']);
    expect(ProxmoxProvider.snapshotArgs({ action: 'create', name: 'pre-patch', memory: true }, '101')).toEqual(['qm', 'snapshot', '101', 'pre-patch', '--vmstate', '1']);
    expect(ProxmoxProvider.snapshotArgs({ action: 'revert', name: 'p1' }, '101')).toEqual(['qm', 'rollback', '101', 'p1']);
    expect(ProxmoxProvider.snapshotArgs({ action: 'delete', name: 'p1' }, '101')).toEqual(['qm', 'delsnapshot', '101', 'p1']);
  });

  it('takes, rolls back (reporting the state) and names qm errors with the VM and vmid', async () => {
    const { run, calls } = pveNode((argv) => {
      if (argv[1] === 'snapshot' && argv[2] === '100') return { exitCode: 255, stderr: fixture('proxmox/qm-snapshot-error-used.txt') };
      if (argv[1] === 'rollback' && argv[2] === '105') return { exitCode: 255, stderr: fixture('proxmox/qm-rollback-error-missing.txt') };
      return undefined;
    });
    const provider = new ProxmoxProvider('pve1', run);
    expect(await provider.snapshot(request('create', ['web01', 'db01'], { memory: true }).request)).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: 'db01', outcome: 'error', message: "qm snapshot db01 (100) failed: snapshot name 'pre-patch' already used" },
    ]);
    expect(calls).toContainEqual(['qm', 'snapshot', '101', 'pre-patch', '--vmstate', '1']);
    const revert = request('revert', ['web01', 'evil;$(touch pwned)']);
    expect(await provider.snapshot(revert.request)).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: 'evil;$(touch pwned)', outcome: 'error', message: "qm rollback evil;$(touch pwned) (105) failed: snapshot 'pre-patch' does not exist" },
    ]);
    expect(revert.states).toEqual(['web01:shut-off']);
    expect(calls.flat().some((arg) => arg.includes('touch'))).toBe(false);
  });

  it('refuses names Proxmox would not take (a dot, one character, "current")', async () => {
    const { run, calls } = pveNode();
    for (const name of ['pre.patch', 'x', 'current', '1st']) {
      const [result] = await new ProxmoxProvider('pve1', run).snapshot(request('create', ['web01'], { name }).request);
      expect(result?.message, name).toMatch(/is not allowed on Proxmox/);
    }
    expect(calls).toEqual([]);
  });
});
