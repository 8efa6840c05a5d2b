import { describe, expect, it } from 'vitest';
import { EsxiProvider } from '../../src/inventory/esxi-provider.js';
import { parseAutostart, parseGetAllVms, parsePowerState, parseSummary, vimFault } from '../../src/inventory/esxi-parse.js';
import { fixture, recorded } from './recorded.js';

describe('ESXi parsing (recorded vim-cmd output)', () => {
  it('reads getallvms: names with spaces and shell characters, multi-line annotations, skipped VMs', () => {
    const vms = parseGetAllVms(fixture('esxi/getallvms.txt'));
    expect(vms.map((vm) => [vm.vmid, vm.name])).toEqual([
      ['1', 'vcenter01'],
      ['3', 'web 01 (prod)'],
      ['4', 'evil;$(touch pwned)'],
      ['12', 'db01'],
    ]);
    expect(vms[3].annotation).toBe('Primary database\ntags: db prod\nPatch with the application team.');
    expect(vms[1].file).toBe('[datastore1] web 01 (prod)/web 01 (prod).vmx');
    expect(parseGetAllVms(fixture('esxi/getallvms-empty.txt'))).toEqual([]);
  });

  it('reads power states, the summary, the autostart sequence and faults', () => {
    expect(parsePowerState(fixture('esxi/power-getstate-on.txt'))).toBe('running');
    expect(parsePowerState(fixture('esxi/power-getstate-off.txt'))).toBe('shut-off');
    expect(parsePowerState(fixture('esxi/power-getstate-suspended.txt'))).toBe('paused');
    expect(parseSummary(fixture('esxi/get-summary-3.txt'))).toEqual({ vcpus: 2, memoryMib: 4096 });
    expect([...parseAutostart(fixture('esxi/autostartseq.txt'))]).toEqual(['1', '12']);
    expect(vimFault(fixture('esxi/power-shutdown-no-tools.txt'))).toBe(
      'ToolsUnavailable: Cannot complete operation because VMware Tools is not running in this virtual machine.',
    );
    expect(vimFault(fixture('esxi/power-getstate-off.txt'))).toBeUndefined();
  });
});

function esxiHost(states: Record<string, string>, overrides: (argv: string[]) => object | undefined = () => undefined) {
  return recorded((argv) => {
    const special = overrides(argv);
    if (special) return special;
    const [, verb, vmid] = argv;
    if (verb === 'vmsvc/getallvms') return { stdout: fixture('esxi/getallvms.txt') };
    if (verb === 'hostsvc/autostartmanager/get_autostartseq') return { stdout: fixture('esxi/autostartseq.txt') };
    if (verb === 'vmsvc/get.summary') return { stdout: fixture('esxi/get-summary-3.txt').replace('poweredOn', states[vmid] === 'on' ? 'poweredOn' : 'poweredOff') };
    if (verb === 'vmsvc/power.getstate') return { stdout: `Retrieved runtime info\nPowered ${states[vmid]}\n` };
    if (verb === 'vmsvc/power.shutdown' || verb === 'vmsvc/power.off') return (states[vmid] = 'off'), {};
    if (verb === 'vmsvc/power.on') return (states[vmid] = 'on'), {};
    return undefined;
  });
}

describe('ESXi provider', () => {
  it('lists VMs with autostart from the autostart manager', async () => {
    const { run } = esxiHost({ 1: 'on', 3: 'on', 4: 'off', 12: 'on' });
    const vms = await new EsxiProvider(run).list();
    expect(vms.map((vm) => [vm.name, vm.id, vm.state, vm.autostart])).toEqual([
      ['vcenter01', '1', 'running', true],
      ['web 01 (prod)', '3', 'running', false],
      ['evil;$(touch pwned)', '4', 'shut-off', false],
      ['db01', '12', 'running', true],
    ]);
    expect(vms[1].tags).toEqual(['web', 'prod']);
  });

  it('power.shutdown, power.off and power.on go by vmid; a name never reaches the shell', async () => {
    const states: Record<string, string> = { 1: 'on', 3: 'on', 4: 'on', 12: 'on' };
    const { run, calls } = esxiHost(states);
    const provider = new EsxiProvider(run, 5);
    expect(await provider.power({ action: 'shutdown', vms: ['evil;$(touch pwned)'], timeoutMs: 1000, concurrency: 1, onState: () => {} })).toEqual([
      { name: 'evil;$(touch pwned)', outcome: 'ok' },
    ]);
    expect(calls).toContainEqual(['vim-cmd', 'vmsvc/power.shutdown', '4']);
    await provider.power({ action: 'start', vms: ['evil;$(touch pwned)'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(calls).toContainEqual(['vim-cmd', 'vmsvc/power.on', '4']);
    expect(calls.flat().some((arg) => arg.includes('touch'))).toBe(false);
    expect(EsxiProvider.powerArgs('poweroff', '12')).toEqual(['vim-cmd', 'vmsvc/power.off', '12']);
  });

  it('a graceful shutdown without VMware Tools fails with the fault message and the VM name', async () => {
    const { run } = esxiHost({ 1: 'on', 3: 'on', 4: 'on', 12: 'on' }, (argv) =>
      argv[1] === 'vmsvc/power.shutdown' ? { stdout: fixture('esxi/power-shutdown-no-tools.txt') } : undefined,
    );
    const [result] = await new EsxiProvider(run, 5).power({ action: 'shutdown', vms: ['db01'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(result.outcome).toBe('error');
    expect(result.message).toBe('vim-cmd vmsvc/power.shutdown db01 failed: ToolsUnavailable: Cannot complete operation because VMware Tools is not running in this virtual machine.');
  });

  it('an unknown VM and live migration get clear messages', async () => {
    const { run } = esxiHost({});
    const provider = new EsxiProvider(run, 5);
    const [missing] = await provider.power({ action: 'start', vms: ['web99'], timeoutMs: 500, concurrency: 1, onState: () => {} });
    expect(missing.message).toBe('no VM named web99 on this ESXi host');
  });
});
