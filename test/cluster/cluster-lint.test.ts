import { describe, expect, it } from 'vitest';
import { clusterReferenceFindings } from '../../src/cluster/cluster-lint.js';

describe('drain placement pins', () => {
  const data = {
    cluster: { name: 'kvm', members: [{ name: 'kvm01' }, { name: 'kvm02' }] },
    inventory: { provider: 'sim', vms: [{ name: 'web01' }, { name: 'db01' }] },
    per_host: [{ id: 'drain', title: 'Drain', drain: { placement: { web01: 'kvm03', db1: 'kvm02' } } }],
  };

  it('names a pinned host that is not a member, and a VM the simulated inventory does not have', () => {
    expect(clusterReferenceFindings(data)).toEqual([
      { path: ['per_host', 0, 'drain', 'placement', 'web01'], message: 'placement sends web01 to "kvm03", which is not a member (did you mean "kvm01"?) (members: kvm01, kvm02)' },
      { path: ['per_host', 0, 'drain', 'placement', 'db1'], atKey: true, message: 'no VM "db1" in the simulated inventory (did you mean "db01"?)' },
    ]);
  });

  it('says nothing it cannot know: members from a file, VMs of a real provider', () => {
    const fromFile = { ...data, cluster: { name: 'kvm', members: { from: 'ansible', file: 'i.ini' } }, inventory: { provider: 'libvirt' } };
    expect(clusterReferenceFindings(fromFile)).toEqual([]);
  });
});

describe('rolling settings', () => {
  it('fill every default the runbook leaves out', async () => {
    const { rollingSettings } = await import('../../src/cluster/cluster-schema.js');
    expect(rollingSettings(undefined)).toEqual({ serial: 1, order: 'as-listed', pause_between: 'ask', stop_on_failure: true, max_failed_hosts: 0 });
    expect(rollingSettings({ order: ['b', 'a'], max_failed_hosts: 1 })).toEqual({ serial: 1, order: ['b', 'a'], pause_between: 'ask', stop_on_failure: true, max_failed_hosts: 1 });
  });
});
