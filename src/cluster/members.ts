// The members of a cluster runbook with their connection settings: listed in the runbook, or read
// from an Ansible inventory (INI or YAML) or a CSV file. Settings a member leaves out are filled
// from what it has, per provider: libvirt's uri from the ssh destination, Proxmox's node from the
// short host name, Hyper-V's host from the ssh destination.
import { constants, open } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CLUSTER_MAX_MEMBERS, INVENTORY_MAX_BYTES } from '../limits.js';
import { decode } from '../runbook/read-runbook.js';
import type { Runbook } from '../runbook/schema.js';
import { renderText, TemplateError } from '../runbook/template.js';
import { MemberSpec, SshDestination, type MemberSpecValue } from './cluster-schema.js';
import { parseCsvMembers } from './inventory-csv.js';
import { parseIniInventory } from './inventory-ini.js';
import { InventoryError, type Inventory } from './inventory-model.js';
import { parseYamlInventory } from './inventory-yaml.js';

export interface Member {
  name: string;
  /** ssh destination for on: host steps: user@host, or ssh://user@host:port when a port is set. */
  ssh?: string;
  port?: number;
  uri?: string;
  host?: string;
  node?: string;
  /** The inventory group the member was listed under, when it came from an inventory. */
  group?: string;
  /** Values per member ({{ host.vars.NAME }}); null prototype, never secrets. */
  vars: Record<string, string>;
}

export interface ResolveOptions {
  /** Folder an inventory file path is relative to: the runbook's. */
  baseDir: string;
  params?: Record<string, string>;
}

/** A member list that cannot be read: names the file and line when the problem is in one. */
export class MembersError extends Error {}

/** Inventory vars that hold secrets: never copied into a member, so never shown or journaled. */
const SECRET_VAR = /(^|_)(pass|password|passwd|secret|token|vault)(_|$)|private_key$/i;
const VAULT_VALUE = /^\s*\$ANSIBLE_VAULT;/;

function nullMap(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

async function readInventory(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MembersError(`${file}: cannot read the inventory: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new MembersError(`${file}: cannot read the inventory: not a regular file`);
    const tooBig = `${file}: the inventory is bigger than ${INVENTORY_MAX_BYTES} bytes`;
    if (info.size > INVENTORY_MAX_BYTES) throw new MembersError(tooBig);
    const buffer = Buffer.alloc(INVENTORY_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > INVENTORY_MAX_BYTES) throw new MembersError(tooBig);
    }
    const decoded = decode(buffer.subarray(0, length));
    if ('problem' in decoded) throw new MembersError(`${file}:${decoded.at?.line ?? 1}: ${decoded.problem.replace(/^runbook/, 'the inventory')}`);
    return decoded.text;
  } finally {
    await handle.close();
  }
}

/** user@host, or ssh://user@host:port: ssh takes both after `--`, so no option can be smuggled in. */
export function sshDestination(address: string, user: string | undefined, port: number | undefined): string {
  const at = user ? `${user}@` : '';
  if (port === undefined) return `${at}${address}`;
  return `ssh://${at}${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** The host part of an ssh destination, with its user and port. */
export function sshParts(ssh: string): { user?: string; address: string; port?: number } {
  const match = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::([0-9]+))?$/.exec(ssh);
  if (!match) return { address: ssh };
  const address = match[2]!.replace(/^\[|\]$/g, '');
  return { ...(match[1] ? { user: match[1] } : {}), address, ...(match[3] ? { port: Number(match[3]) } : {}) };
}

function portNumber(value: unknown, where: string): number | undefined {
  const text = scalarText(value);
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MembersError(`${where}: port "${text}" is not between 1 and 65535`);
  return port;
}

/** Settings a member leaves out, filled from what it has, for the runbook's provider. */
function withDefaults(member: Member, provider: string | undefined): Member {
  const parts = member.ssh ? sshParts(member.ssh) : undefined;
  const filled = { ...member };
  if (provider === 'libvirt' && !filled.uri && parts) {
    filled.uri = `qemu+ssh://${parts.user ? `${parts.user}@` : ''}${parts.address.includes(':') ? `[${parts.address}]` : parts.address}${parts.port ? `:${parts.port}` : ''}/system`;
  }
  if (provider === 'proxmox' && !filled.node) filled.node = member.name.split('.')[0];
  if (provider === 'hyperv' && !filled.host && member.ssh) filled.host = member.ssh;
  return filled;
}

function checked(member: Member, where: string): Member {
  const result = MemberSpec.safeParse({ name: member.name, ssh: member.ssh, port: member.port, uri: member.uri, host: member.host, node: member.node });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MembersError(`${where}: member "${member.name}": ${String(issue.path[0] ?? 'name')} ${issue.message}`);
  }
  return member;
}

function fromSpec(spec: MemberSpecValue): Member {
  const vars = nullMap();
  for (const [key, value] of Object.entries(spec.vars ?? {})) vars[key] = value;
  const ssh = spec.ssh && spec.port !== undefined && !spec.ssh.startsWith('ssh://') ? sshDestination(sshParts(spec.ssh).address, sshParts(spec.ssh).user, spec.port) : spec.ssh;
  return {
    name: spec.name,
    ...(ssh ? { ssh } : {}),
    ...(spec.port !== undefined ? { port: spec.port } : ssh && sshParts(ssh).port ? { port: sshParts(ssh).port } : {}),
    ...(spec.uri ? { uri: spec.uri } : {}),
    ...(spec.host ? { host: spec.host } : {}),
    ...(spec.node ? { node: spec.node } : {}),
    vars,
  };
}

/** Ansible's connection vars, older ansible_ssh_* spellings included. */
function fromAnsibleHost(inventory: Inventory, name: string, under: Set<string> | undefined): Member {
  const all = inventory.varsOf(name);
  const first = (...keys: string[]) => keys.map((key) => scalarText(all.get(key))).find((value) => value !== undefined && value !== '');
  const where = `${inventory.file}:${inventory.hosts.get(name)?.line ?? 1}`;
  const address = first('ansible_host', 'ansible_ssh_host') ?? name;
  const user = first('ansible_user', 'ansible_ssh_user', 'ansible_remote_user');
  const port = portNumber(first('ansible_port', 'ansible_ssh_port'), where);
  const vars = nullMap();
  for (const [key, value] of all) {
    const text = scalarText(value);
    if (text === undefined || SECRET_VAR.test(key) || VAULT_VALUE.test(text) || key === '__proto__') continue;
    vars[key] = text;
  }
  const uri = first('patchwalk_uri');
  const host = first('patchwalk_host');
  const node = first('patchwalk_node');
  const direct = inventory.directGroupsOf(name).filter((candidate) => candidate !== 'ungrouped');
  const shownGroup = direct.find((candidate) => under === undefined || under.has(candidate));
  const ssh = sshDestination(address, user, port);
  if (!SshDestination.safeParse(ssh).success) {
    throw new MembersError(`${where}: host "${name}": "${ssh}" is not an ssh destination (from ansible_host/ansible_user/ansible_port)`);
  }
  return {
    name,
    ssh,
    ...(port !== undefined ? { port } : {}),
    ...(uri ? { uri } : {}),
    ...(host ? { host } : {}),
    ...(node ? { node } : {}),
    ...(shownGroup ? { group: shownGroup } : {}),
    vars,
  };
}

function render(text: string, params: Record<string, string>, what: string): string {
  try {
    return renderText(text, ([root, ...rest]) => (rest.length === 0 && root !== undefined && Object.hasOwn(params, root) ? params[root] : undefined));
  } catch (error) {
    if (error instanceof TemplateError) throw new MembersError(`cluster.${what === 'name' ? '' : 'members.'}${what}: template variable "${error.variable}" has no value: it must be a param, given with --set ${error.variable}=VALUE or a default`);
    throw error;
  }
}

function isYamlFile(file: string): boolean {
  return /\.(ya?ml|json)$/i.test(file);
}

/** The cluster's name with params filled in. */
export function clusterName(cluster: NonNullable<Runbook['cluster']>, params: Record<string, string> = {}): string {
  return render(cluster.name, params, 'name');
}

/** Where the members come from, in words, with params filled in: for `patchwalk hosts` and reports. */
export function membersSource(cluster: NonNullable<Runbook['cluster']>, params: Record<string, string> = {}): string {
  if (Array.isArray(cluster.members)) return 'listed in the runbook';
  const file = render(cluster.members.file, params, 'file');
  return `from ${file}${cluster.members.group === undefined ? '' : `, group ${render(cluster.members.group, params, 'group')}`}`;
}

async function membersFromFile(spec: { from: 'ansible' | 'csv'; file: string; group?: string }, options: ResolveOptions): Promise<Member[]> {
  const params = options.params ?? {};
  const named = render(spec.file, params, 'file');
  const file = isAbsolute(named) ? named : join(options.baseDir, named);
  const text = await readInventory(file);
  try {
    if (spec.from === 'csv') {
      if (spec.group !== undefined) throw new MembersError('cluster.members.group: a CSV has no groups; select members with a separate CSV, or use an Ansible inventory');
      return parseCsvMembers(file, text).map(({ line, values }) => {
        const where = `${file}:${line}`;
        const name = values.get('name');
        if (!name) throw new MembersError(`${where}: the row has no name`);
        const vars = nullMap();
        for (const [key, value] of values) if (!['name', 'ssh', 'port', 'uri', 'host', 'node'].includes(key) && !SECRET_VAR.test(key) && key !== '__proto__') vars[key] = value;
        const port = portNumber(values.get('port'), where);
        return checked(
          fromSpec({
            name,
            ...(values.has('ssh') ? { ssh: values.get('ssh')! } : {}),
            ...(port !== undefined ? { port } : {}),
            ...(values.has('uri') ? { uri: values.get('uri')! } : {}),
            ...(values.has('host') ? { host: values.get('host')! } : {}),
            ...(values.has('node') ? { node: values.get('node')! } : {}),
            vars,
          }),
          where,
        );
      });
    }
    const inventory = isYamlFile(file) ? parseYamlInventory(file, text) : parseIniInventory(file, text);
    const group = spec.group === undefined ? undefined : render(spec.group, params, 'group');
    const names = inventory.hostsOf(group ?? 'all');
    if (names.length === 0) throw new MembersError(`${file}: group "${group ?? 'all'}" has no hosts`);
    const under = group === undefined ? undefined : inventory.groupsUnder(group);
    return names.map((name) => checked(fromAnsibleHost(inventory, name, under), `${file}:${inventory.hosts.get(name)?.line ?? 1}`));
  } catch (error) {
    if (error instanceof InventoryError) throw new MembersError(error.message);
    throw error;
  }
}

/** The cluster's members, in order, with their settings resolved. Throws MembersError naming file and line. */
export async function resolveMembers(runbook: Pick<Runbook, 'cluster' | 'inventory'>, options: ResolveOptions): Promise<Member[]> {
  const cluster = runbook.cluster;
  if (!cluster) throw new MembersError('the runbook has no cluster: members come from cluster.members');
  const listed = Array.isArray(cluster.members) ? cluster.members.map(fromSpec) : await membersFromFile(cluster.members, options);
  if (listed.length > CLUSTER_MAX_MEMBERS) throw new MembersError(`the cluster has ${listed.length} members, and at most ${CLUSTER_MAX_MEMBERS} are allowed: select a group`);
  const seen = new Set<string>();
  for (const member of listed) {
    if (seen.has(member.name)) throw new MembersError(`member "${member.name}" is listed twice`);
    seen.add(member.name);
  }
  return listed.map((member) => withDefaults(member, runbook.inventory?.provider));
}
