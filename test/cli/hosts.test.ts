// `patchwalk hosts FILE`: a cluster runbook's members, as the built CLI prints them.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';

const INVENTORY = join(ROOT, 'test', 'fixtures', 'inventory');

function clusterRunbook(members: string, provider = 'libvirt', params = ''): string {
  return `runbook: 1\ntitle: Rolling\n${params}cluster:\n  name: dc1\n  members: ${members}\ninventory: { provider: ${provider} }\nper_host:\n  - id: up\n    title: Upgrade {{ host.name }}\n    run: apt-get -y upgrade\n    on: host\n`;
}

describe('patchwalk hosts', () => {
  it('lists members from an Ansible inventory next to the runbook, with ssh, port, uri and group', async () => {
    const dir = tempDir();
    copyFileSync(join(INVENTORY, 'kvm-ranges.ini'), join(dir, 'inventory.ini'));
    const file = writeRunbook(dir, 'rolling.yaml', clusterRunbook('{ from: ansible, file: inventory.ini, group: "{{ rack }}" }', 'libvirt', 'params:\n  rack: { default: rack_a }\n'));
    const result = await patchwalk(['hosts', file]);
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SSH\s+PORT\s+URI\s+GROUP$/);
    expect(lines[2]).toMatch(/^kvm01\.dc1\.example\.net\s+ops@kvm01\.dc1\.example\.net\s+-\s+qemu\+ssh:\/\/ops@kvm01\.dc1\.example\.net\/system\s+rack_a$/);
    expect(lines[8]).toMatch(/^kvm07\.dc1\.example\.net\s+ssh:\/\/ops@10\.20\.1\.7:2222\s+2222\s+qemu\+ssh:\/\/ops@10\.20\.1\.7:2222\/system\s+rack_a$/);
    expect(lines.at(-1)).toBe('7 member(s) of dc1, from inventory.ini, group rack_a');
  });

  it('--set picks the group and --json prints every member with its vars', async () => {
    const dir = tempDir();
    copyFileSync(join(INVENTORY, 'kvm-ranges.ini'), join(dir, 'inventory.ini'));
    const file = writeRunbook(dir, 'rolling.yaml', clusterRunbook('{ from: ansible, file: inventory.ini, group: "{{ rack }}" }', 'libvirt', 'params:\n  rack: { default: rack_a }\n'));
    const result = await patchwalk(['hosts', file, '--set', 'rack=rack_b', '--json']);
    expect(result.exitCode).toBe(0);
    const members = JSON.parse(String(result.stdout)) as { name: string; port?: number; vars: Record<string, string> }[];
    expect(members.map((member) => member.name)).toEqual(['kvm08', 'kvm09', 'kvm10', 'kvm11', 'kvm12', 'kvm-spare-a', 'kvm-spare-b', 'kvm-spare-c'].map((name) => `${name}.dc1.example.net`));
    expect(members[0]).toMatchObject({ port: 22022, vars: { rack: 'B 12' } });
    expect(result.stdout).not.toContain('ansible_become_password');
  });

  it('a listed cluster shows only the columns its members have', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'pve.yaml', clusterRunbook('[{ name: pve1, ssh: root@pve1 }, { name: pve2, ssh: root@pve2, port: 2222 }]', 'proxmox'));
    const result = await patchwalk(['hosts', file]);
    expect(String(result.stdout).split('\n')).toEqual([
      'NAME  SSH                   PORT  NODE',
      '----  --------------------  ----  ----',
      'pve1  root@pve1             -     pve1',
      'pve2  ssh://root@pve2:2222  2222  pve2',
      '2 member(s) of dc1, listed in the runbook',
    ]);
  });

  it('fills params into the cluster name; a param with no default must be given', async () => {
    const dir = tempDir();
    const yaml = clusterRunbook('[{ name: pve1, ssh: root@pve1 }]', 'proxmox', 'params:\n  site: { prompt: Site }\n').replace('name: dc1', 'name: "{{ site }}-pve"');
    const file = writeRunbook(dir, 'pve.yaml', yaml);
    const missing = await patchwalk(['hosts', file]);
    expect([missing.exitCode, missing.stderr]).toEqual([2, 'patchwalk: param "site" has no default; pass --set site=VALUE']);
    const given = await patchwalk(['hosts', file, '--set', 'site=ams']);
    expect(String(given.stdout).split('\n').at(-1)).toBe('1 member(s) of ams-pve, listed in the runbook');
  });

  it('an inventory problem names the file and line, and exits 2', async () => {
    const dir = tempDir();
    writeRunbook(dir, 'bad.ini', '[kvm]\nkvm[01:100]\n');
    const file = writeRunbook(dir, 'rolling.yaml', clusterRunbook('{ from: ansible, file: bad.ini }'));
    const result = await patchwalk(['hosts', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`patchwalk: ${file}: ${join(dir, 'bad.ini')}:2: host range [01:100] in kvm[01:100] must write begin and end with the same number of digits`);
  });

  it.each([
    ['proxmox-cluster-patch.yaml', 3, 'pve-prod'],
    ['kvm-cluster-patch.yaml', 8, 'kvm_hosts'],
    ['hyperv-cluster-patch.yaml', 3, 'hvclu01'],
  ])('the shipped runbooks/%s reads its example member list', async (name, count, cluster) => {
    const result = await patchwalk(['hosts', `runbooks/${name}`]);
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout).split('\n').at(-1)).toMatch(new RegExp(`^${count} member\\(s\\) of ${cluster}, `));
  });

  it('a single-host runbook, or a runbook that does not lint, exits 2 with the reason', async () => {
    const single = await patchwalk(['hosts', 'runbooks/demo.yaml']);
    expect(single.exitCode).toBe(2);
    expect(single.stderr).toBe('patchwalk: runbooks/demo.yaml is not a cluster runbook: it has steps and no cluster:, so it runs on one host');
    const dir = tempDir();
    const file = writeRunbook(dir, 'broken.yaml', clusterRunbook('{ from: nowhere, file: x }'));
    const broken = await patchwalk(['hosts', file]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('cluster.members.from: expected one of ansible, csv');
  });
});
