// An Ansible inventory as both formats read it: groups with hosts, child groups and vars, hosts with
// vars of their own; and the vars a host ends up with, by Ansible's precedence (all, then parent
// groups before child groups, groups of one depth by name, then the host's own vars).
import { INVENTORY_MAX_GROUP_DEPTH, INVENTORY_MAX_HOSTS } from '../limits.js';
import { didYouMean } from '../runbook/problem.js';

export class InventoryError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

export interface InventoryHost {
  name: string;
  line: number;
  vars: Map<string, unknown>;
}

export interface InventoryGroup {
  name: string;
  line: number;
  hosts: string[];
  children: string[];
  vars: Map<string, unknown>;
}

export class Inventory {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();

  constructor(readonly file: string) {
    this.group('all', 1);
    this.group('ungrouped', 1);
  }

  group(name: string, line: number): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, line, hosts: [], children: [], vars: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  /** A host line or entry: the host joins the group, and its vars are set (later ones win). */
  addHost(groupName: string, name: string, line: number, vars: Iterable<[string, unknown]>): void {
    let host = this.hosts.get(name);
    if (!host) {
      if (this.hosts.size >= INVENTORY_MAX_HOSTS) throw new InventoryError(this.file, line, `more than ${INVENTORY_MAX_HOSTS} hosts: split the inventory`);
      host = { name, line, vars: new Map() };
      this.hosts.set(name, host);
    }
    for (const [key, value] of vars) host.vars.set(key, value);
    const group = this.group(groupName, line);
    if (!group.hosts.includes(name)) group.hosts.push(name);
  }

  addChild(parent: string, child: string, line: number): void {
    if (child === 'all') throw new InventoryError(this.file, line, `group "all" cannot be a child of "${parent}"`);
    const group = this.group(parent, line);
    this.group(child, line);
    if (!group.children.includes(child)) group.children.push(child);
  }

  /** The groups each group sits under, parents first, for depth and membership. */
  private parentsOf(): Map<string, string[]> {
    const parents = new Map<string, string[]>();
    for (const group of this.groups.values()) {
      for (const child of group.children) parents.set(child, [...(parents.get(child) ?? []), group.name]);
    }
    return parents;
  }

  /** A group and every group under it, through children at any depth. */
  groupsUnder(groupName: string): Set<string> {
    const root = this.groups.get(groupName);
    if (!root) {
      const names = [...this.groups.keys()].filter((name) => name !== 'ungrouped');
      throw new InventoryError(this.file, 1, `no group "${groupName}"${didYouMean(groupName, names)}; the groups are ${names.join(', ')}`);
    }
    const under = new Set<string>();
    const visit = (group: InventoryGroup, path: string[]) => {
      if (path.includes(group.name)) throw new InventoryError(this.file, group.line, `groups ${[...path, group.name].join(' → ')} contain each other`);
      if (path.length >= INVENTORY_MAX_GROUP_DEPTH) throw new InventoryError(this.file, group.line, `groups nest more than ${INVENTORY_MAX_GROUP_DEPTH} deep under "${groupName}"`);
      if (under.has(group.name)) return;
      under.add(group.name);
      for (const child of group.children) visit(this.groups.get(child)!, [...path, group.name]);
    };
    visit(root, []);
    return under;
  }

  /** Every host of a group, its children's included, in the order the file first names them. */
  hostsOf(groupName: string): string[] {
    const under = this.groupsUnder(groupName);
    if (groupName === 'all') return [...this.hosts.keys()];
    const members = new Set<string>();
    for (const name of under) for (const host of this.groups.get(name)?.hosts ?? []) members.add(host);
    return [...this.hosts.keys()].filter((host) => members.has(host));
  }

  /** The groups that hold a host directly. */
  directGroupsOf(host: string): string[] {
    return [...this.groups.values()].filter((group) => group.hosts.includes(host)).map((group) => group.name);
  }

  /** A host's vars after Ansible's precedence: all < shallower groups < deeper groups (by name within a depth) < host. */
  varsOf(hostName: string): Map<string, unknown> {
    const host = this.hosts.get(hostName);
    if (!host) return new Map();
    const parents = this.parentsOf();
    const depth = new Map<string, number>();
    const depthOf = (name: string, seen: string[]): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      if (seen.includes(name) || seen.length > INVENTORY_MAX_GROUP_DEPTH) return seen.length;
      const above = (parents.get(name) ?? []).map((parent) => depthOf(parent, [...seen, name]));
      const value = name === 'all' ? 0 : Math.max(0, ...above) + 1;
      depth.set(name, value);
      return value;
    };
    const groups = new Set<string>(['all']);
    const climb = (name: string, seen: number) => {
      if (groups.has(name) || seen > INVENTORY_MAX_GROUP_DEPTH) return;
      groups.add(name);
      for (const parent of parents.get(name) ?? []) climb(parent, seen + 1);
    };
    for (const name of this.directGroupsOf(hostName)) climb(name, 0);
    const ordered = [...groups].sort((a, b) => depthOf(a, []) - depthOf(b, []) || a.localeCompare(b));
    const vars = new Map<string, unknown>();
    for (const name of ordered) for (const [key, value] of this.groups.get(name)?.vars ?? []) vars.set(key, value);
    for (const [key, value] of host.vars) vars.set(key, value);
    return vars;
  }
}
