import { describe, expect, it } from 'vitest';
import { providerDescriptor, providerKinds } from '../../src/inventory/provider-registry.js';
import { PROVIDERS } from '../../src/runbook/schema.js';
import { hypervisorFor } from '../../src/run/hypervisor.js';
import { recorded } from './recorded.js';
import { runbookFrom } from '../helpers/runbook.js';
import { SshHost } from '../../src/inventory/ssh-host.js';

const steps = 'steps:\n  - { id: n, title: N, note: hi }\n';

describe('the provider registry', () => {
  it('declares every provider the runbook schema accepts, and no other', () => {
    expect(providerKinds().sort()).toEqual([...PROVIDERS].sort());
  });

  it("says whether each provider snapshots, as its class does", () => {
    const { run } = recorded(() => undefined);
    for (const kind of providerKinds()) {
      const descriptor = providerDescriptor(kind)!;
      const provider = descriptor.create({ inventory: { provider: kind as never }, uri: 'test:///x', node: 'pve1', destination: 'root@h', run });
      expect(typeof provider.snapshot === 'function', kind).toBe(descriptor.snapshots);
      expect(provider.kind).toBe(kind);
    }
  });

  it('gives each provider its shell flavour, ssh use and reboot defaults', () => {
    expect(providerDescriptor('hyperv')).toMatchObject({ ssh: true, flavour: 'windows' });
    expect(providerDescriptor('hyperv')!.reboot.command).toMatchObject({ shell: expect.stringContaining('Restart-Computer') });
    expect(providerDescriptor('esxi')!.reboot.command).toMatchObject({ shell: expect.stringContaining('esxcli system shutdown reboot') });
    expect(providerDescriptor('libvirt')).toMatchObject({ ssh: false, flavour: 'posix' });
    expect(providerDescriptor('proxmox')!.reboot.command).toEqual({ shell: 'systemctl reboot' });
    expect(providerDescriptor('xe')).toBeUndefined();
  });

  it('names the missing setting with the text each provider declares', () => {
    expect(() => hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\ninventory: { provider: libvirt }\n${steps}`))).toThrow(
      'inventory: provider libvirt needs a uri, e.g. qemu+ssh://root@{{ host }}/system',
    );
    for (const kind of ['hyperv', 'esxi', 'proxmox']) {
      expect(() => hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\ninventory: { provider: ${kind} }\n${steps}`))).toThrow(
        new RegExp(`^inventory: provider ${kind} needs host \\(an ssh destination`),
      );
      // target.ssh is enough.
      expect(() => hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\ninventory: { provider: ${kind} }\ntarget: { ssh: "root@h" }\n${steps}`))).not.toThrow();
    }
  });

  it('builds a real provider only when first used, and a failure to build is that call\'s rejection', async () => {
    const hypervisor = hypervisorFor(
      runbookFrom(`runbook: 1\ntitle: t\nparams: { host: { prompt: Host } }\ninventory: { provider: proxmox, host: "root@{{ host }}" }\n${steps}`),
      { params: () => ({}) },
    );
    expect(hypervisor.provider.kind).toBe('proxmox');
    expect(typeof hypervisor.provider.snapshot).toBe('function');
    expect(hypervisor.host).toBeInstanceOf(SshHost);
    await expect(hypervisor.provider.list()).rejects.toThrow(/host/);
  });

  it('the simulated host is its own host control and snapshots', () => {
    const hypervisor = hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\n${steps}`));
    expect(hypervisor.host).toBe(hypervisor.provider);
    expect(typeof hypervisor.provider.snapshot).toBe('function');
  });
});
