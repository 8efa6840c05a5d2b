import { describe, expect, it } from 'vitest';
import { hypervisorFor } from '../../src/run/hypervisor.js';
import { LibvirtProvider } from '../../src/inventory/libvirt-provider.js';
import { runbookFrom } from '../helpers/runbook.js';

const steps = 'steps:\n  - { id: n, title: N, note: hi }\n';

describe('hypervisorFor', () => {
  it('keeps sim the default', () => {
    expect(hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\n${steps}`)).provider.kind).toBe('sim');
  });

  it('expands uri and target.ssh with the params the run has when first used', async () => {
    let params: Record<string, string> = {};
    const hypervisor = hypervisorFor(
      runbookFrom(`runbook: 1
title: t
params: { host: { prompt: Host } }
inventory: { provider: libvirt, uri: "test+unix:///nonexistent-{{ host }}" }
target: { ssh: "root@{{ host }}" }
${steps}`),
      { params: () => params },
    );
    params = { host: 'kvm07' };
    expect(hypervisor.ssh?.()).toBe('root@kvm07');
    await expect(hypervisor.provider.list()).rejects.toThrow(/virsh list failed|virsh is not installed/);
  });

  it('says what a real provider is missing', () => {
    expect(() => hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\ninventory: { provider: libvirt }\n${steps}`))).toThrow(/needs a uri/);
    expect(() => hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\ninventory: { provider: esxi }\n${steps}`))).toThrow(/needs host/);
    expect(hypervisorFor(runbookFrom(`runbook: 1\ntitle: t\ninventory: { provider: hyperv, host: "a@b" }\n${steps}`)).flavour).toBe('windows');
  });

  it('builds libvirt power argv with --domain, so a name is never an option', () => {
    expect(LibvirtProvider.powerArgs('shutdown', '--evil')).toEqual(['shutdown', '--domain', '--evil']);
    expect(LibvirtProvider.powerArgs('migrate', 'web01', 'qemu+ssh://kvm02/system')).toEqual([
      'migrate', '--live', '--persistent', '--undefinesource', '--verbose', '--domain', 'web01', '--desturi', 'qemu+ssh://kvm02/system',
    ]);
  });
});

it('a host that cannot be reached is a named cause, not an internal error', async () => {
  const { KnownCauseError } = await import('../../src/exit-codes.js');
  const runbook = runbookFrom('runbook: 1\ntitle: T\ninventory: { provider: libvirt, uri: "qemu+ssh://root@127.0.0.1:1/system" }\nsteps:\n  - { id: v, title: V, vms: {} }\n');
  const { provider } = hypervisorFor(runbook);
  await expect(provider.list()).rejects.toBeInstanceOf(KnownCauseError);
});
