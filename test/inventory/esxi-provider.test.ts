import { describe, expect, it } from 'vitest';
import { EsxiProvider } from '../../src/inventory/esxi-provider.js';
import { parseAutostart, parseGetAllVms, parsePowerState, parseSummary, splitByVm, vimFault } from '../../src/inventory/esxi-parse.js';
import { fixture, recorded } from './recorded.js';

function at<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item at index ${index}`);
  return item;
}

describe('ESXi parsing (recorded vim-cmd output)', () => {
  it('reads getallvms: names with spaces and shell characters, multi-line annotations, skipped VMs', () => {
    const { vms, unparsed, skipped } = parseGetAllVms(fixture('esxi/getallvms.txt'));
    expect(vms.map((vm) => [vm.vmid, vm.name])).toEqual([
      ['1', 'vcenter01'],
      ['3', 'web 01 (prod)'],
      ['4', 'evil;$(touch pwned)'],
      ['12', 'db01'],
    ]);
    expect(at(vms, 3).annotation).toBe('Primary database\ntags: db prod\nPatch with the application team.');
    expect(at(vms, 1).file).toBe('[datastore1] web 01 (prod)/web 01 (prod).vmx');
    expect([unparsed, skipped]).toEqual([[], ['7']]);
    expect(parseGetAllVms(fixture('esxi/getallvms-empty.txt')).vms).toEqual([]);
  });

  it('reads columns as real hosts pad them: a template row, an empty Guest OS, a name with " [", a non-ASCII name, vCLS', () => {
    const { vms, unparsed } = parseGetAllVms(fixture('esxi/getallvms-vcls.txt'));
    expect(unparsed).toEqual([]);
    expect(vms.map((vm) => [vm.vmid, vm.name, vm.guestOs, vm.template, vm.system])).toEqual([
      ['1', 'vcenter01', 'vmwarePhoton64Guest', false, false],
      ['3', 'web 01 (prod)', 'ubuntu64Guest', false, false],
      ['4', 'evil;$(touch pwned)', 'otherLinux64Guest', false, false],
      ['12', 'db01', 'rhel8_64Guest', false, false],
      ['15', 'tmpl-rhel9', 'rhel9_64Guest', true, false],
      ['18', 'win-214 [maintenance]', 'windows2019srv_64Guest', false, false],
      ['21', 'appliance-x', '', false, false],
      ['24', 'Büro-Server', 'windows2019srvNext_64Guest', false, false],
      ['1698', 'vCLS-6b723342-8292-1962-f970-0422f48bc6ea', 'crxSys1Guest', false, true],
    ]);
    // Nothing glued onto db01: its annotation is its own three lines.
    expect(at(vms, 3).annotation).toBe('Primary database\ntags: db prod\nPatch with the application team.');
    expect(at(vms, 5).file).toBe('[datastore1] win-214/win-214.vmx');
    expect(at(vms, 6).annotation).toBe('tags: lab');
    expect(at(vms, 7).file).toBe('[datastore1] Büro-Server/Büro-Server.vmx');
    expect(at(vms, 8).file).toMatch(/^\[\] \/var\/run\/crx\/infra\/vCLS-.*\.vmx$/);
  });

  it('reports a row it cannot split instead of hiding it in an annotation', () => {
    const text = fixture('esxi/getallvms-vcls.txt').replace('[datastore2] appliance-x/appliance-x.vmx', 'appliance-x/appliance-x.vmx             ');
    const { vms, unparsed } = parseGetAllVms(text);
    expect(unparsed).toEqual([expect.stringMatching(/^21 +appliance-x +appliance-x\/appliance-x\.vmx +vmx-13 +tags: lab$/)]);
    expect(vms.find((vm) => vm.name === 'Büro-Server')?.annotation).toBe('tags: office');
    expect(vms.find((vm) => vm.name === 'win-214 [maintenance]')?.annotation).toBe('');
  });

  it('reads power states, the summary, the autostart sequence and faults', () => {
    expect(parsePowerState(fixture('esxi/power-getstate-on.txt'))).toBe('running');
    expect(parsePowerState(fixture('esxi/power-getstate-off.txt'))).toBe('shut-off');
    expect(parsePowerState(fixture('esxi/power-getstate-suspended.txt'))).toBe('paused');
    expect(parseSummary(fixture('esxi/get-summary-3.txt'))).toEqual({ vcpus: 2, memoryMib: 4096, state: 'running' });
    expect([...parseAutostart(fixture('esxi/autostartseq.txt'))]).toEqual(['1', '12']);
    expect(vimFault(fixture('esxi/power-shutdown-no-tools.txt'))).toBe(
      'ToolsUnavailable: Cannot complete operation because VMware Tools is not running in this virtual machine.',
    );
    expect(vimFault(fixture('esxi/power-getstate-off.txt'))).toBeUndefined();
    const { head, byVmid } = splitByVm(fixture('esxi/details-loop.txt'));
    expect([...parseAutostart(head)]).toEqual(['1', '12']);
    expect([...byVmid.keys()]).toEqual(['1', '3', '4', '12', '18', '21', '24', '1698']);
    expect(parseSummary(byVmid.get('18')!)).toEqual({ vcpus: 2, memoryMib: 8192, state: 'paused' });
  });
});

/** Runs the host-side loops over vmids the way sh on the host would, from recorded vim-cmd output. */
function esxiHost(states: Record<string, string>, overrides: (argv: string[]) => object | undefined = () => undefined, table = 'esxi/getallvms-vcls.txt') {
  const summaries = splitByVm(fixture('esxi/details-loop.txt'));
  return recorded((argv) => {
    const special = overrides(argv);
    if (special) return special;
    if (argv[0] === 'sh' && (argv[2] ?? '').includes('get.summary')) {
      const ids = argv.slice(4);
      const stdout = summaries.head + ids.map((id) => `@pw-vm ${id}\n${(summaries.byVmid.get(id) ?? fixture('esxi/power-getstate-not-found.txt')).replace(/powerState = "\w+"/, `powerState = "${states[id] === 'on' ? 'poweredOn' : states[id] === 'off' ? 'poweredOff' : 'suspended'}"`)}`).join('');
      return { stdout };
    }
    if (argv[0] === 'sh' && (argv[2] ?? '').includes('power.getstate')) {
      return { stdout: argv.slice(4).map((id) => `@pw-vm ${id}\nRetrieved runtime info\nPowered ${states[id]}\n`).join('') };
    }
    const [, verb, vmid = ''] = argv;
    if (verb === 'vmsvc/getallvms') return { stdout: fixture(table) };
    if (verb === 'vmsvc/power.shutdown' || verb === 'vmsvc/power.off') return (states[vmid] = 'off'), {};
    if (verb === 'vmsvc/power.on') return (states[vmid] = 'on'), {};
    return undefined;
  });
}

const everyOn = () => ({ 1: 'on', 3: 'on', 4: 'on', 12: 'on', 18: 'on', 21: 'on', 24: 'on', 1698: 'on' }) as Record<string, string>;

describe('ESXi provider', () => {
  it('lists VMs in two calls, with autostart, tags, templates left out and vCLS marked system-managed', async () => {
    const { run, calls } = esxiHost({ ...everyOn(), 4: 'off', 18: 'suspended' });
    const vms = await new EsxiProvider(run).list();
    expect(calls).toHaveLength(2);
    expect(at(calls, 1).slice(0, 2)).toEqual(['sh', '-c']);
    expect(at(calls, 1).slice(3)).toEqual(['patchwalk', '1', '3', '4', '12', '18', '21', '24', '1698']);
    expect(vms.map((vm) => [vm.name, vm.id, vm.state, vm.autostart, vm.system ?? false])).toEqual([
      ['vcenter01', '1', 'running', true, false],
      ['web 01 (prod)', '3', 'running', false, false],
      ['evil;$(touch pwned)', '4', 'shut-off', false, false],
      ['db01', '12', 'running', true, false],
      ['win-214 [maintenance]', '18', 'paused', false, false],
      ['appliance-x', '21', 'running', false, false],
      ['Büro-Server', '24', 'running', false, false],
      ['vCLS-6b723342-8292-1962-f970-0422f48bc6ea', '1698', 'running', false, true],
    ]);
    expect(vms[1]).toMatchObject({ tags: ['web', 'prod'], vcpus: 2, memory_mib: 4096 });
    expect(at(vms, 3).tags).toEqual(['db', 'prod']);
  });

  it('a row that cannot be read fails the listing, naming the row', async () => {
    const { run } = esxiHost(everyOn(), (argv) =>
      argv[1] === 'vmsvc/getallvms' ? { stdout: fixture('esxi/getallvms-vcls.txt').replace('[datastore2] appliance-x/', 'appliance-x/            ') } : undefined,
    );
    await expect(new EsxiProvider(run).list()).rejects.toThrow(/^vim-cmd vmsvc\/getallvms: cannot read this row, so the VM list would be incomplete: 21 +appliance-x/);
  });

  it('never powers a vCLS VM', async () => {
    const { run, calls } = esxiHost(everyOn());
    const result = at(await new EsxiProvider(run, 5).power({ action: 'shutdown', vms: ['vCLS-6b723342-8292-1962-f970-0422f48bc6ea'], timeoutMs: 1000, concurrency: 1, onState: () => {} }), 0);
    expect(result.outcome).toBe('error');
    expect(result.message).toMatch(/is a vSphere Cluster Services VM that vCenter runs on this host; patchwalk never powers it/);
    expect(calls.some((argv) => argv[1]?.startsWith('vmsvc/power.shutdown'))).toBe(false);
  });

  it('polls the power state of every VM being shut down with one call at a time', async () => {
    const states = everyOn();
    const { run, calls } = esxiHost(states);
    const provider = new EsxiProvider(run, 5);
    await provider.list();
    calls.length = 0;
    const names = ['vcenter01', 'web 01 (prod)', 'evil;$(touch pwned)', 'db01', 'win-214 [maintenance]', 'appliance-x', 'Büro-Server'];
    const results = await provider.power({ action: 'shutdown', vms: names, timeoutMs: 5000, concurrency: names.length, onState: () => {} });
    expect(results.every((result) => result.outcome === 'ok')).toBe(true);
    const polls = calls.filter((argv) => argv[0] === 'sh');
    expect(polls).toHaveLength(2);
    expect(at(polls, 0).slice(4)).toEqual(['1', '3', '4', '12', '18', '21', '24']);
    expect(calls.filter((argv) => argv[1] === 'vmsvc/power.shutdown')).toHaveLength(7);
  });

  it('power.shutdown, power.off and power.on go by vmid; a name never reaches the shell', async () => {
    const states = { ...everyOn(), 24: 'off' };
    const { run, calls } = esxiHost(states);
    const provider = new EsxiProvider(run, 5);
    expect(await provider.power({ action: 'shutdown', vms: ['evil;$(touch pwned)'], timeoutMs: 1000, concurrency: 1, onState: () => {} })).toEqual([
      { name: 'evil;$(touch pwned)', outcome: 'ok' },
    ]);
    expect(calls).toContainEqual(['vim-cmd', 'vmsvc/power.shutdown', '4']);
    await provider.power({ action: 'start', vms: ['Büro-Server'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(calls).toContainEqual(['vim-cmd', 'vmsvc/power.on', '24']);
    expect(calls.flat().some((arg) => arg.includes('touch') || arg.includes('Büro'))).toBe(false);
    expect(EsxiProvider.powerArgs('poweroff', '12')).toEqual(['vim-cmd', 'vmsvc/power.off', '12']);
  });

  it('a graceful shutdown without VMware Tools fails with the fault message and the VM name', async () => {
    const { run } = esxiHost(everyOn(), (argv) => (argv[1] === 'vmsvc/power.shutdown' ? { stdout: fixture('esxi/power-shutdown-no-tools.txt') } : undefined));
    const result = at(await new EsxiProvider(run, 5).power({ action: 'shutdown', vms: ['db01'], timeoutMs: 1000, concurrency: 1, onState: () => {} }), 0);
    expect(result.outcome).toBe('error');
    expect(result.message).toBe('vim-cmd vmsvc/power.shutdown db01 failed: ToolsUnavailable: Cannot complete operation because VMware Tools is not running in this virtual machine.');
  });

  it('an unknown VM and a vanished one get clear messages', async () => {
    const { run } = esxiHost({}, (argv) =>
      argv[0] === 'sh' && (argv[2] ?? '').includes('power.getstate') ? { stdout: `@pw-vm 3\n${fixture('esxi/power-getstate-not-found.txt')}` } : undefined,
    );
    const provider = new EsxiProvider(run, 5);
    const missing = at(await provider.power({ action: 'start', vms: ['web99'], timeoutMs: 500, concurrency: 1, onState: () => {} }), 0);
    expect(missing.message).toBe('no VM named web99 on this ESXi host');
    const gone = at(await provider.power({ action: 'start', vms: ['web 01 (prod)'], timeoutMs: 500, concurrency: 1, onState: () => {} }), 0);
    expect(gone.message).toBe('vim-cmd vmsvc/power.getstate web 01 (prod) failed: NotFound: Unable to find a VM corresponding to "99"');
  });
});
