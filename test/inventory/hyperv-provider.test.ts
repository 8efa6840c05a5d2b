import { describe, expect, it } from 'vitest';
import { HypervProvider } from '../../src/inventory/hyperv-provider.js';
import { decodeScript, parseGetVm, powershellArgv, powershellError, psQuote, STATES_SCRIPT } from '../../src/inventory/hyperv-parse.js';
import { fixture, recorded } from './recorded.js';

function at<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item at index ${index}`);
  return item;
}

describe('Hyper-V parsing (recorded Get-VM | ConvertTo-Json)', () => {
  it('reads Windows PowerShell 5.1 output: numeric enums, odd names, notes tags', () => {
    const vms = parseGetVm(fixture('hyperv/get-vm-ps51.json'));
    expect(vms.map((vm) => [vm.name, vm.state, vm.autostart])).toEqual([
      ['web01', 'running', true],
      ["o'brien", 'running', true],
      ['a;b', 'shut-off', false],
      ['sql01 [old]', 'paused', false],
    ]);
    expect(vms[0]).toMatchObject({ id: '3f8a1c2e-5b7d-4e21-9c3a-0d1e2f3a4b5c', vcpus: 2, memory_mib: 4096, tags: ['web', 'prod'] });
    expect(at(vms, 2).tags).toEqual(['lab']);
  });

  it('reads one VM (a bare object) with enums as strings, and an empty host', () => {
    expect(parseGetVm(fixture('hyperv/get-vm-single-ps7.json'))).toEqual([
      { name: 'dc01', id: '5d41402a-bc4b-42a7-8b5e-1f0a2c3d4e5f', state: 'running', vcpus: 2, memory_mib: 4096, tags: ['infra', 'windows'], autostart: true },
    ]);
    expect(parseGetVm(fixture('hyperv/get-vm-empty.txt'))).toEqual([]);
  });

  it('reads a non-ASCII name written as UTF-8, and refuses one garbled by the console code page', () => {
    expect(parseGetVm(fixture('hyperv/get-vm-ps51-utf8.json')).map((vm) => [vm.name, vm.state, vm.tags])).toEqual([
      ['web01', 'running', ['web', 'prod']],
      ['Büro-Server', 'running', ['office']],
      ["o'brien", 'shut-off', []],
    ]);
    expect(() => parseGetVm(fixture('hyperv/get-vm-ps51-cp850.json'))).toThrow(
      "Get-VM printed a VM name that is not UTF-8 (B\uFFFDro-Server): the host's console code page got in the way",
    );
  });

  it('takes the message out of CLIXML error output', () => {
    expect(powershellError(fixture('hyperv/stop-vm-error-clixml.txt'))).toBe('Stop-VM : Hyper-V was unable to find a virtual machine with name "web09".');
    expect(powershellError(fixture('hyperv/stop-vm-error-plain.txt'))).toMatch(/shutdown integration service is not available/);
  });

  it("quotes PowerShell strings: o'brien, a;b and typographic quotes stay data", () => {
    expect(psQuote("o'brien")).toBe("'o''brien'");
    expect(psQuote('a;b')).toBe("'a;b'");
    expect(psQuote('x\u2019y')).toBe("'x\u2019\u2019y'");
    expect(psQuote('$(Remove-Item C:\\)')).toBe("'$(Remove-Item C:\\)'");
  });

  it('sends the script base64-encoded, so no shell on the way reads it', () => {
    const argv = powershellArgv("Get-VM 'a;b'");
    expect(argv.slice(0, 4)).toEqual(['powershell', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(argv[4]).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(decodeScript(argv)).toContain("Get-VM 'a;b'");
  });

  it('every script asks for UTF-8 output first, and a non-ASCII name survives the trip', () => {
    const argv = powershellArgv(HypervProvider.powerScript('shutdown', 'Büro-Server'));
    const script = decodeScript(argv);
    expect(script.startsWith('try { $utf8 = New-Object System.Text.UTF8Encoding $false; [Console]::OutputEncoding = $utf8; $OutputEncoding = $utf8 } catch { }; ')).toBe(true);
    expect(script).toContain("$_.Name -ceq 'Büro-Server'");
    expect(decodeScript(powershellArgv(STATES_SCRIPT))).toContain('[Console]::OutputEncoding = $utf8');
  });
});

describe('Hyper-V provider', () => {
  it('graceful Stop-VM, Stop-VM -TurnOff, Start-VM and Move-VM address the VM by its exact quoted name', () => {
    expect(HypervProvider.powerScript('shutdown', "o'brien")).toMatch(/\$_\.Name -ceq 'o''brien'.*Stop-VM -VM \$vm -Confirm:\$false$/);
    expect(HypervProvider.powerScript('poweroff', 'a;b')).toMatch(/-ceq 'a;b'.*Stop-VM -VM \$vm -TurnOff -Force -Confirm:\$false$/);
    expect(HypervProvider.powerScript('start', 'a;b')).toMatch(/Start-VM -VM \$vm$/);
    expect(HypervProvider.powerScript('migrate', 'web01', 'hv02')).toMatch(/Move-VM -VM \$vm -DestinationHost 'hv02'$/);
  });

  it("shuts o'brien down and waits for the state to read Off", async () => {
    let state = 'Running';
    const { run, calls } = recorded((argv) => {
      const script = decodeScript(argv);
      if (script.includes('Stop-VM')) {
        state = 'Off';
        return {};
      }
      if (script.includes(STATES_SCRIPT)) return { stdout: JSON.stringify([{ Name: "o'brien", State: state }]) };
      return undefined;
    });
    const provider = new HypervProvider(run, 5);
    const seen: string[] = [];
    const results = await provider.power({ action: 'shutdown', vms: ["o'brien"], timeoutMs: 2000, concurrency: 1, onState: (name, s) => seen.push(`${name}:${s}`) });
    expect(results).toEqual([{ name: "o'brien", outcome: 'ok' }]);
    expect(seen).toEqual(["o'brien:shutting-down", "o'brien:shut-off"]);
    expect(calls.some((argv) => decodeScript(argv).includes("-ceq 'o''brien'"))).toBe(true);
  });

  it('names the VM and the cmdlet when PowerShell fails', async () => {
    const { run } = recorded((argv) => {
      const script = decodeScript(argv);
      if (script.includes(STATES_SCRIPT)) return { stdout: fixture('hyperv/get-vm-states-ps51.json').replace('o\'brien', 'legacy01').replace('3\r\n', '2\r\n') };
      return { exitCode: 1, stderr: fixture('hyperv/stop-vm-error-plain.txt') };
    });
    const results = await new HypervProvider(run, 5).power({ action: 'shutdown', vms: ['legacy01'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(results[0]).toMatchObject({ outcome: 'error' });
    expect(at(results, 0).message).toMatch(/^Stop-VM legacy01 failed: The virtual machine 'legacy01' could not be shut down/);
  });

  it('lists Büro-Server and stops it by its exact name, polling all VMs with one Get-VM at a time', async () => {
    const states: Record<string, number> = { web01: 2, 'Büro-Server': 2, "o'brien": 2 };
    const { run, calls } = recorded((argv) => {
      const script = decodeScript(argv);
      if (script.includes('Get-VM | Select-Object Name, Id, State')) return { stdout: fixture('hyperv/get-vm-ps51-utf8.json') };
      if (script.includes(STATES_SCRIPT)) return { stdout: JSON.stringify(Object.entries(states).map(([Name, State]) => ({ Name, State }))) };
      const stopped = /-ceq '((?:[^']|'')*)'.*Stop-VM/.exec(script);
      if (stopped) return (states[stopped[1]!.replaceAll("''", "'")] = 3), {};
      return undefined;
    });
    const provider = new HypervProvider(run, 5);
    expect((await provider.list()).map((vm) => vm.name)).toContain('Büro-Server');
    expect(calls).toHaveLength(1);
    calls.length = 0;
    const results = await provider.power({ action: 'shutdown', vms: ['web01', 'Büro-Server', "o'brien"], timeoutMs: 2000, concurrency: 3, onState: () => {} });
    expect(results.map((result) => result.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(states).toEqual({ web01: 3, 'Büro-Server': 3, "o'brien": 3 });
    expect(calls.filter((argv) => decodeScript(argv).includes(STATES_SCRIPT))).toHaveLength(2);
    expect(calls.filter((argv) => decodeScript(argv).includes('Stop-VM'))).toHaveLength(3);
  });

  it('a listing that fails says so', async () => {
    const { run } = recorded(() => ({ exitCode: null, problem: 'lost the ssh connection to hv01' }));
    await expect(new HypervProvider(run).list()).rejects.toThrow('Get-VM failed: lost the ssh connection to hv01');
  });
});
