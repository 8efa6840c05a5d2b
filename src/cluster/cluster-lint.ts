// Lint for cluster runbooks: steps or cluster (never both), the phases only with a cluster, member
// names, rolling order, and `{{ host.* }}` only where there is a member.
import { didYouMean } from '../runbook/problem.js';
import type { Finding } from '../runbook/structure.js';
import type { PathSegment } from '../runbook/yaml-source.js';
import { CLUSTER_PHASES, HOST_FIELDS } from './cluster-schema.js';

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const HOST_WITHOUT_SSH_IN_CLUSTER =
  'on: host outside per_host has no member to run on, and this runbook has no target.ssh: move the step into per_host, or add target: { ssh: "root@MANAGEMENT-HOST" } for cluster-wide commands';

/** The shape rules zod cannot say well: which of steps / cluster / per_host go together. */
export function clusterShapeFindings(data: Raw): Finding[] {
  const findings: Finding[] = [];
  const cluster = data.cluster !== undefined;
  if (!cluster) {
    // per_host without cluster has its own finding below.
    if (data.steps === undefined && data.per_host === undefined) findings.push({ path: [], message: 'missing required key "steps"' });
    for (const key of [...CLUSTER_PHASES, 'rolling']) {
      if (data[key] !== undefined) {
        findings.push({ path: [key], atKey: true, message: `${key} works only in a cluster runbook: add cluster: { name, members }${key === 'per_host' ? ', or name these steps steps:' : ''}` });
      }
    }
    return findings;
  }
  if (data.steps !== undefined) {
    findings.push({ path: ['steps'], atKey: true, message: 'a cluster runbook has no steps: put the steps for each member under per_host, cluster checks under before_all' });
  }
  if (data.per_host === undefined) {
    findings.push({ path: ['cluster'], atKey: true, message: 'a cluster runbook needs per_host: the steps run on each member in turn' });
  }
  return findings;
}

function memberNames(data: Raw): string[] | undefined {
  const members = isRecord(data.cluster) ? data.cluster.members : undefined;
  if (!Array.isArray(members)) return undefined;
  return members.map((member) => (isRecord(member) && typeof member.name === 'string' ? member.name : ''));
}

/** Duplicate members, and rolling.order naming members the cluster does not list. */
export function clusterReferenceFindings(data: Raw): Finding[] {
  const findings: Finding[] = [];
  const names = memberNames(data);
  if (names) {
    const seen = new Map<string, number>();
    names.forEach((name, index) => {
      if (!name) return;
      const first = seen.get(name);
      if (first !== undefined) findings.push({ path: ['cluster', 'members', index, 'name'], message: `duplicate member "${name}": member ${first + 1} already has this name` });
      else seen.set(name, index);
    });
  }
  findings.push(...placementFindings(data, names));
  // The rolling takes one member at a time (src/rolling/): more at once is refused, not ignored.
  const serial = isRecord(data.rolling) ? data.rolling.serial : undefined;
  if (typeof serial === 'number' && serial > 1) findings.push({ path: ['rolling', 'serial'], message: `serial: ${serial} is not supported yet: the rolling takes one member at a time (serial: 1)` });
  const order = isRecord(data.rolling) ? data.rolling.order : undefined;
  if (Array.isArray(order)) {
    const listed = new Set<string>();
    order.forEach((name, index) => {
      if (typeof name !== 'string') return;
      const at: PathSegment[] = ['rolling', 'order', index];
      if (listed.has(name)) findings.push({ path: at, message: `"${name}" is already in the order` });
      listed.add(name);
      if (names && !names.includes(name)) findings.push({ path: at, message: `no member "${name}" in cluster.members${didYouMean(name, names.filter(Boolean))}` });
    });
    if (names) {
      const missing = names.filter((name) => name && !listed.has(name));
      if (missing.length > 0) findings.push({ path: ['rolling', 'order'], message: `the order leaves out ${missing.join(', ')}: list every member, or use as-listed or fewest-vms-first` });
    }
  }
  return findings;
}

/** `{{ host.FIELD }}` in a cluster runbook: a member exists only in per_host steps. */
export function hostNameProblem(name: string[], perHost: boolean, what: string): string | undefined {
  const [, field, ...rest] = name;
  if (!perHost) return `${what} "${name.join('.')}" is only defined inside per_host steps, which run once per member`;
  const fields: readonly string[] = HOST_FIELDS;
  if (field === 'vars') return rest.length === 1 ? undefined : `${what} "${name.join('.')}": write host.vars.NAME for an inventory variable of the member`;
  if (field === undefined || rest.length > 0 || !fields.includes(field)) {
    return `${what} "${name.join('.')}": a member has ${HOST_FIELDS.join(', ')}${field ? didYouMean(field, [...fields]) : ''}`;
  }
  return undefined;
}

/** on: host in per_host runs over ssh on each member: a listed member without ssh cannot. */
export function memberSshFindings(data: Raw, at: PathSegment[]): Finding[] {
  const members = isRecord(data.cluster) ? data.cluster.members : undefined;
  if (!Array.isArray(members)) return []; // From an inventory file: checked when the members are read.
  const without = members.filter((member) => isRecord(member) && typeof member.name === 'string' && member.ssh === undefined).map((member) => String((member as Raw).name));
  if (without.length === 0) return [];
  return [{ path: at, message: `on: host runs the command over ssh on each member, and ${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no ssh: add ssh: root@NAME to ${without.length === 1 ? 'that member' : 'those members'}` }];
}

/** The VMs a simulated inventory lists, when the runbook lists them: the only VMs lint can know. */
function listedVms(data: Raw): string[] | undefined {
  const inventory = isRecord(data.inventory) ? data.inventory : undefined;
  if (inventory?.provider !== 'sim' || !Array.isArray(inventory.vms)) return undefined;
  return inventory.vms.map((vm) => (isRecord(vm) && typeof vm.name === 'string' ? vm.name : '')).filter(Boolean);
}

/** `drain: { placement: { VM: MEMBER } }` pins: the member must be one of the cluster's, the VM one lint knows of. */
function placementFindings(data: Raw, names: string[] | undefined): Finding[] {
  const findings: Finding[] = [];
  const vms = listedVms(data);
  const steps = Array.isArray(data.per_host) ? data.per_host : [];
  steps.forEach((step, index) => {
    const drain = isRecord(step) && isRecord(step.drain) ? step.drain : undefined;
    const placement = drain && isRecord(drain.placement) ? drain.placement : undefined;
    if (!placement) return;
    for (const [vm, host] of Object.entries(placement)) {
      const at: PathSegment[] = ['per_host', index, 'drain', 'placement', vm];
      if (vms && !vms.includes(vm)) findings.push({ path: at, atKey: true, message: `no VM "${vm}" in the simulated inventory${didYouMean(vm, vms)}` });
      if (typeof host === 'string' && names && !names.includes(host)) {
        findings.push({ path: at, message: `placement sends ${vm} to "${host}", which is not a member${didYouMean(host, names.filter(Boolean))} (members: ${names.filter(Boolean).join(', ')})` });
      }
    }
  });
  return findings;
}
