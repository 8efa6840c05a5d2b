import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MembersError, resolveMembers, type Member } from '../../src/cluster/members.js';
import { parseIniInventory } from '../../src/cluster/inventory-ini.js';
import { parseYamlInventory } from '../../src/cluster/inventory-yaml.js';
import { parseCsvMembers } from '../../src/cluster/inventory-csv.js';
import { INVENTORY_MAX_BYTES } from '../../src/limits.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/inventory', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'patchwalk-members-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type From = { from: 'ansible' | 'csv'; file: string; group?: string };
const fromFile = (members: From, provider: 'libvirt' | 'proxmox' | 'hyperv' | 'sim' = 'libvirt', params?: Record<string, string>, baseDir = FIXTURES) =>
  resolveMembers({ cluster: { name: 'c', members }, inventory: { provider } }, { baseDir, ...(params ? { params } : {}) });
const plain = (member: Member) => ({ ...member, vars: { ...member.vars } });
const scratchFile = (name: string, text: string) => {
  writeFileSync(join(scratch, name), text);
  return name;
};
const failure = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MembersError);
    return (error as Error).message;
  }
  throw new Error('expected a MembersError');
};

describe('members listed in the runbook', () => {
  it('keep their settings, carry a port inside the ssh destination, and get provider defaults', async () => {
    const members = await resolveMembers(
      { cluster: { name: 'pve', members: [{ name: 'pve1.example.net', ssh: 'root@pve1.example.net' }, { name: 'pve2', ssh: 'root@10.0.0.2', port: 2222, node: 'pve-two', vars: { rack: 'A1' } }] }, inventory: { provider: 'proxmox' } },
      { baseDir: FIXTURES },
    );
    expect(members.map(plain)).toEqual([
      { name: 'pve1.example.net', ssh: 'root@pve1.example.net', node: 'pve1', vars: {} },
      { name: 'pve2', ssh: 'ssh://root@10.0.0.2:2222', port: 2222, node: 'pve-two', vars: { rack: 'A1' } },
    ]);
    expect(Object.getPrototypeOf(members[0]!.vars)).toBeNull();
  });

  it('libvirt members get a qemu+ssh uri from their ssh destination, Hyper-V members a host', async () => {
    const [kvm] = await resolveMembers({ cluster: { name: 'k', members: [{ name: 'kvm1', ssh: 'ssh://root@kvm1:2222' }] }, inventory: { provider: 'libvirt' } }, { baseDir: FIXTURES });
    expect(kvm?.uri).toBe('qemu+ssh://root@kvm1:2222/system');
    const [hv] = await resolveMembers({ cluster: { name: 'h', members: [{ name: 'hv1', ssh: 'administrator@hv1' }] }, inventory: { provider: 'hyperv' } }, { baseDir: FIXTURES });
    expect(hv?.host).toBe('administrator@hv1');
  });
});

describe('Ansible INI inventories', () => {
  it('a Terraform-templated Proxmox inventory: group vars, ansible_host, other groups left out', async () => {
    const members = await fromFile({ from: 'ansible', file: 'proxmox-hosts.ini', group: 'proxmox' }, 'proxmox');
    expect(members.map((member) => member.name)).toEqual(['kvm-01', 'kvm-02', 'kvm-03', 'kvm-04', 'kvm-05', 'kvm-06', 'kvm-07']);
    expect(plain(members[0]!)).toEqual({
      name: 'kvm-01',
      ssh: 'root@192.168.0.11',
      node: 'kvm-01',
      group: 'proxmox',
      vars: { ansible_python_interpreter: '/usr/bin/python3.9', ansible_user: 'root', ansible_host: '192.168.0.11' },
    });
  });

  it('ranges, nested children, ports from vars and from host:port, host vars over group vars over all:vars', async () => {
    const members = await fromFile({ from: 'ansible', file: 'kvm-ranges.ini', group: 'kvm_hosts' });
    expect(members.map((member) => member.name)).toEqual([
      ...['01', '02', '03', '04', '05', '06', '07'].map((n) => `kvm${n}.dc1.example.net`),
      ...['08', '09', '10', '11', '12'].map((n) => `kvm${n}.dc1.example.net`),
      'kvm-spare-a.dc1.example.net', 'kvm-spare-b.dc1.example.net', 'kvm-spare-c.dc1.example.net',
    ]);
    const byName = new Map(members.map((member) => [member.name, member]));
    expect(byName.get('kvm01.dc1.example.net')).toMatchObject({ ssh: 'ops@kvm01.dc1.example.net', group: 'rack_a', uri: 'qemu+ssh://ops@kvm01.dc1.example.net/system' });
    expect(byName.get('kvm07.dc1.example.net')).toMatchObject({ ssh: 'ssh://ops@10.20.1.7:2222', port: 2222 });
    expect(byName.get('kvm08.dc1.example.net')).toMatchObject({ ssh: 'ssh://ops@kvm08.dc1.example.net:22022', port: 22022, group: 'rack_b' });
    const spare = byName.get('kvm-spare-b.dc1.example.net')!;
    expect(spare.ssh).toBe('ssh://root@kvm-spare-b.dc1.example.net:22022');
    expect(spare.vars.rack).toBe('B 12');
    expect(spare.vars.maintenance_contact).toBe('noc@example.net');
    // In a :vars section Ansible keeps a comment after an unquoted value as part of it.
    expect(spare.vars.ntp_server).toBe('ntp1.example.net  # a comment after a plain value stays in it, as in Ansible');
    for (const member of members) expect(Object.keys(member.vars).filter((key) => /pass/.test(key))).toEqual([]);
  });

  it('without a group, every host; the port of host:port is read', async () => {
    const members = await fromFile({ from: 'ansible', file: 'kvm-ranges.ini' });
    expect(members).toHaveLength(18);
    expect(members.find((member) => member.name === 'grafana.dc1.example.net')).toMatchObject({ port: 8022, group: 'monitoring' });
  });

  it('an unknown group is named with the groups there are', async () => {
    expect(await failure(fromFile({ from: 'ansible', file: 'kvm-ranges.ini', group: 'kvm_host' }))).toBe(
      `${join(FIXTURES, 'kvm-ranges.ini')}:1: no group "kvm_host" (did you mean "kvm_hosts"?); the groups are all, rack_a, rack_b, kvm_hosts, dc1, storage, monitoring`,
    );
  });

  it.each([
    ['[kvm:child]\nkvm1\n', '1: section [kvm:child] has unknown type "child": expected [kvm], [kvm:children] or [kvm:vars]'],
    ['[kvm]\nkvm1\n[ kvm ]\n', '3: bad section header [ kvm ]: write [group], [group:children] or [group:vars], with no spaces'],
    ['[kvm]\nkvm1 ansible_port\n', '2: expected key=value after the host name, got "ansible_port"'],
    ['[kvm]\nkvm1 note="unclosed\n', '2: cannot read host line: no closing quotation'],
    ['[kvm:vars]\nx=1\n', '1: section [kvm:vars] is for group "kvm", which is not defined'],
    ['[all:children]\nkvm\n', '2: [all:children] names group "kvm", which is not defined'],
    ['[kvm:vars]\njust-a-word\n[kvm]\nk1\n', '2: expected key=value in [kvm:vars], got "just-a-word"'],
    ['[kvm]\nkvm[01:100]\n', '2: host range [01:100] in kvm[01:100] must write begin and end with the same number of digits'],
    ['---\nall:\n', '1: host "---" is a YAML document start: is this a YAML inventory with an .ini name?'],
    ['[a:children]\nb\n[b:children]\na\n[b]\nx\n', '1: groups a → b → a contain each other'],
  ])('refuses %j at file:line', (text, message) => {
    expect(() => parseIniInventory('inv.ini', text).hostsOf('all') && parseIniInventory('inv.ini', text).hostsOf('a')).toThrow(`inv.ini:${message}`);
  });

  it('a group declared after its :vars and :children sections is fine, as in Ansible', () => {
    const inventory = parseIniInventory('inv.ini', '[kvm:vars]\nansible_user=ops\n[dc:children]\nkvm\n[kvm]\nk[1:2]\n');
    expect(inventory.hostsOf('dc')).toEqual(['k1', 'k2']);
    expect(inventory.varsOf('k2').get('ansible_user')).toBe('ops');
  });
});

describe('Ansible YAML inventories', () => {
  it('all: children: hosts: vars:, ranges as keys, a host in two groups, secrets dropped', async () => {
    const members = await fromFile({ from: 'ansible', file: 'hosts.yml', group: 'pve_cluster' }, 'proxmox');
    expect(members.map(plain)).toEqual([
      { name: 'pve1.example.net', ssh: 'root@pve1.example.net', node: 'pve1', group: 'pve_prod', vars: { ansible_user: 'root', ansible_python_interpreter: '/usr/bin/python3', node_exporter: '1.8.2', ceph: 'true' } },
      { name: 'pve2.example.net', ssh: 'root@pve2.example.net', node: 'pve2', group: 'pve_prod', vars: { ansible_user: 'root', ansible_python_interpreter: '/usr/bin/python3', ceph: 'true' } },
      { name: 'pve3.example.net', ssh: 'root@pve3.example.net', node: 'pve3', group: 'pve_prod', vars: { ansible_user: 'root', ansible_python_interpreter: '/usr/bin/python3', ceph: 'true' } },
      {
        name: 'pve4.example.net',
        ssh: 'ssh://root@10.10.0.14:2222',
        port: 2222,
        node: 'pve-four',
        group: 'pve_prod',
        vars: { ansible_user: 'root', ansible_python_interpreter: '/usr/bin/python3', ceph: 'true', ansible_host: '10.10.0.14', ansible_port: '2222', patchwalk_node: 'pve-four' },
      },
      { name: 'lab-pve.example.net', ssh: 'labadmin@lab-pve.example.net', node: 'lab-pve', group: 'pve_lab', vars: { ansible_user: 'labadmin', ansible_python_interpreter: '/usr/bin/python3', ceph: 'true' } },
    ]);
  });

  it.each([
    ['- a\n- b\n', '1: a YAML inventory is a mapping of groups, such as all: { hosts: …, children: … }'],
    ['plugin: community.general.proxmox\nurl: https://pve\n', '1: this is an inventory plugin configuration, not an inventory: export one with ansible-inventory -i FILE --list --yaml'],
    ['all:\n  host:\n    a:\n', '2: group "all" has key "host": a group holds only hosts, vars and children'],
    ['all:\n  hosts:\n    - a\n', '3: "hosts" of group "all" must be a mapping'],
    ['all:\n  hosts:\n    kvm[1:x]:\n', '3: host range [1:x] in kvm[1:x] must be numbers ([01:12]) or single letters ([a:f])'],
    ['all:\n  hosts:\n    a: 1\n', '3: host "a" must be followed by its vars as a mapping, or by nothing'],
    ['all:\n  hosts: {a: 1\n', '2: YAML syntax: this { is never closed; end it with }'],
  ])('refuses %j at file:line', (text, message) => {
    expect(() => parseYamlInventory('hosts.yml', text)).toThrow(`hosts.yml:${message}`);
  });
});

describe('CSV members', () => {
  it('reads name,ssh,uri and extra columns as vars, with quoted fields and comment lines', async () => {
    const members = await fromFile({ from: 'csv', file: 'members.csv' });
    expect(members.map(plain)).toEqual([
      { name: 'kvm01', ssh: 'root@kvm01.example.net', uri: 'qemu+ssh://root@kvm01.example.net/system', vars: { rack: 'A1' } },
      { name: 'kvm02', ssh: 'root@kvm02.example.net', uri: 'qemu+ssh://root@kvm02.example.net/system', vars: { rack: 'A1', notes: 'new PSU, watch fans' } },
      { name: 'kvm04', ssh: 'ssh://root@kvm04.example.net:2222', port: 2222, uri: 'qemu+ssh://root@kvm04.example.net:2222/system', vars: { rack: 'A2', notes: 'uri from ssh' } },
    ]);
  });

  it('names the file and line of a bad row', async () => {
    expect(() => parseCsvMembers('m.csv', 'ssh,uri\nroot@a,x\n')).toThrow('m.csv:1: the header row has no "name" column (it has ssh, uri)');
    expect(() => parseCsvMembers('m.csv', 'name,ssh\na,root@a\nb,root@b,extra\n')).toThrow(/^m\.csv:3: CSV: /);
    const file = scratchFile('bad-ssh.csv', 'name,ssh\nkvm1,-oProxyCommand=touch_pwned\n');
    expect(await failure(fromFile({ from: 'csv', file }, 'libvirt', undefined, scratch))).toMatch(new RegExp(`bad-ssh\\.csv:2: member "kvm1": ssh must be an ssh destination`));
  });
});

describe('reading the file', () => {
  it('the file and group may use params', async () => {
    const members = await fromFile({ from: 'ansible', file: '{{ site }}.ini', group: '{{ role }}' }, 'proxmox', { site: 'proxmox-hosts', role: 'pfsense' });
    expect(members.map((member) => member.name)).toEqual(['fw-01', 'fw-02']);
    expect(members.map((member) => member.group)).toEqual(['master', 'backup']);
  });

  it('refuses a missing file, a FIFO and a file over the size cap, naming the file', async () => {
    expect(await failure(fromFile({ from: 'ansible', file: 'nope.ini' }))).toBe(`${join(FIXTURES, 'nope.ini')}: cannot read the inventory: no such file`);
    execFileSync('mkfifo', [join(scratch, 'fifo.ini')]);
    expect(await failure(fromFile({ from: 'ansible', file: 'fifo.ini' }, 'libvirt', undefined, scratch))).toMatch(/fifo\.ini: cannot read the inventory: not a regular file$/);
    const big = scratchFile('big.ini', `[kvm]\n${'#'.repeat(INVENTORY_MAX_BYTES)}\n`);
    expect(await failure(fromFile({ from: 'ansible', file: big }, 'libvirt', undefined, scratch))).toMatch(/big\.ini: the inventory is bigger than/);
  });

  it('refuses a group that has no hosts, and a CSV with a group', async () => {
    const file = scratchFile('empty.ini', '[kvm]\n[other]\nx\n');
    expect(await failure(fromFile({ from: 'ansible', file, group: 'kvm' }, 'libvirt', undefined, scratch))).toMatch(/empty\.ini: group "kvm" has no hosts$/);
    expect(await failure(fromFile({ from: 'csv', file: 'members.csv', group: 'x' }))).toMatch(/a CSV has no groups/);
  });
});

describe('member settings that would become options', () => {
  it('refuses a node, uri or host from an inventory that could be read as an option', async () => {
    const dir = scratch;
    writeFileSync(join(dir, 'evil.ini'), '[pve]\npve1 patchwalk_node=--with-local-disks\n');
    expect(await failure(fromFile({ from: 'ansible', file: 'evil.ini' }, 'proxmox', undefined, dir))).toMatch(/evil\.ini:2: member "pve1": node must be a Proxmox node name/);
    writeFileSync(join(dir, 'evil.csv'), 'name,uri\nkvm1,-c\n');
    expect(await failure(fromFile({ from: 'csv', file: 'evil.csv' }, 'libvirt', undefined, dir))).toMatch(/evil\.csv:2: member "kvm1": uri must be a libvirt URI/);
  });
});
