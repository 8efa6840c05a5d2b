// Where each VM of a host being drained goes: pure and deterministic. A VM goes only to a member
// with the memory and vCPUs free for it, never beside a VM that shares one of its anti-affinity
// tags, and never by overcommitting: a VM with no room is unplaced, and the shortfall says how much
// is missing. VMs that cannot migrate are set apart for the drain's `unmovable` policy.

export interface PlacementVm {
  name: string;
  memory_mib: number;
  vcpus: number;
  tags: string[];
  /** Why it cannot live-migrate: local disk, passthrough… (tag no-migrate counts too). */
  unmovable?: string;
}

export interface MemberCapacity {
  name: string;
  memory_free_mib: number;
  vcpus_free: number;
  /** Already patched in this rolling: VMs placed there need not move again. */
  patched: boolean;
  /** VMs already there, for anti-affinity. */
  vms: PlacementVm[];
}

export interface PlacementInput {
  from: string;
  vms: PlacementVm[];
  members: MemberCapacity[];
  placement: 'auto' | Record<string, string>;
  prefer: 'patched' | 'least-loaded';
  antiAffinity: string[];
}

export interface PlannedMove {
  vm: string;
  from: string;
  to: string;
  memory_mib: number;
  why: string;
}

export interface PlacementPlan {
  moves: PlannedMove[];
  unmovable: { vm: string; why: string }[];
  unplaced: { vm: string; why: string }[];
  /** Memory and vCPUs of the VMs that found no room: what the cluster is short by. */
  shortfall?: { memory_mib: number; vcpus: number };
}

/** A placement that names a VM or a host the drain does not have. */
export class PlacementError extends Error {}

export const NO_MIGRATE_TAG = 'no-migrate';

interface Room {
  name: string;
  memory: number;
  vcpus: number;
  patched: boolean;
  /** Anti-affinity tags of the VMs there, counted, so a replan can take one away. */
  tags: Map<string, number>;
}

function unmovableWhy(vm: PlacementVm): string | undefined {
  if (vm.unmovable) return vm.unmovable;
  return vm.tags.includes(NO_MIGRATE_TAG) ? `tagged ${NO_MIGRATE_TAG}` : undefined;
}

function guardedTags(vm: PlacementVm, antiAffinity: readonly string[]): string[] {
  return antiAffinity.filter((tag) => vm.tags.includes(tag));
}

function rooms(input: PlacementInput): Map<string, Room> {
  const map = new Map<string, Room>();
  for (const member of [...input.members].sort((a, b) => a.name.localeCompare(b.name))) {
    if (member.name === input.from) continue;
    const tags = new Map<string, number>();
    for (const vm of member.vms) for (const tag of guardedTags(vm, input.antiAffinity)) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    map.set(member.name, { name: member.name, memory: member.memory_free_mib, vcpus: member.vcpus_free, patched: member.patched, tags });
  }
  return map;
}

function take(room: Room, vm: PlacementVm, antiAffinity: readonly string[], sign: 1 | -1): void {
  room.memory -= sign * vm.memory_mib;
  room.vcpus -= sign * vm.vcpus;
  for (const tag of guardedTags(vm, antiAffinity)) room.tags.set(tag, (room.tags.get(tag) ?? 0) + sign);
}

function conflict(room: Room, vm: PlacementVm, antiAffinity: readonly string[]): string | undefined {
  return guardedTags(vm, antiAffinity).find((tag) => (room.tags.get(tag) ?? 0) > 0);
}

function fits(room: Room, vm: PlacementVm): boolean {
  return room.memory >= vm.memory_mib && room.vcpus >= vm.vcpus;
}

/** The better of two members for a VM: patched first when preferred, then the most memory left, then vCPUs, then name. */
function better(prefer: PlacementInput['prefer']) {
  return (a: Room, b: Room): number =>
    (prefer === 'patched' ? Number(b.patched) - Number(a.patched) : 0) || b.memory - a.memory || b.vcpus - a.vcpus || a.name.localeCompare(b.name);
}

/** Why a VM found no member: the nearest miss, so the operator knows what to free. */
function noRoomWhy(vm: PlacementVm, candidates: Room[], antiAffinity: readonly string[]): string {
  const need = `${vm.memory_mib} MiB and ${vm.vcpus} vCPU${vm.vcpus === 1 ? '' : 's'}`;
  if (candidates.length === 0) return 'no other member to move it to';
  const roomy = candidates.filter((room) => fits(room, vm));
  if (roomy.length > 0) {
    const tags = [...new Set(roomy.map((room) => conflict(room, vm, antiAffinity)).filter(Boolean))].join(', ');
    return `anti-affinity (${tags}): every member with ${need} free already runs a VM tagged ${tags}`;
  }
  const best = [...candidates].sort((a, b) => b.memory - a.memory || b.vcpus - a.vcpus || a.name.localeCompare(b.name))[0]!;
  return `needs ${need}; the most free is ${best.name} with ${Math.max(0, best.memory)} MiB and ${Math.max(0, best.vcpus)} vCPUs`;
}

function placeOne(vm: PlacementVm, from: string, state: Map<string, Room>, input: PlacementInput, exclude: ReadonlySet<string>): PlannedMove | { vm: string; why: string } {
  const candidates = [...state.values()].filter((room) => !exclude.has(room.name));
  const open = candidates.filter((room) => fits(room, vm) && !conflict(room, vm, input.antiAffinity));
  const [target] = open.sort(better(input.prefer));
  if (!target) return { vm: vm.name, why: noRoomWhy(vm, candidates, input.antiAffinity) };
  take(target, vm, input.antiAffinity, 1);
  const reason = input.prefer === 'patched' && target.patched ? 'patched already' : 'most free memory';
  return { vm: vm.name, from, to: target.name, memory_mib: vm.memory_mib, why: `${reason} (${target.memory} MiB left)` };
}

function validateOverrides(input: PlacementInput): Record<string, string> {
  if (input.placement === 'auto') return {};
  const vmNames = input.vms.map((vm) => vm.name);
  const hosts = input.members.map((member) => member.name).filter((name) => name !== input.from);
  for (const [vm, host] of Object.entries(input.placement)) {
    if (!vmNames.includes(vm)) throw new PlacementError(`placement names VM "${vm}", which is not among the VMs to drain from ${input.from} (${vmNames.join(', ') || 'none'})`);
    if (host === input.from) throw new PlacementError(`placement sends ${vm} to ${host}, the host being drained`);
    if (!hosts.includes(host)) throw new PlacementError(`placement sends ${vm} to "${host}", which is not a member (members: ${hosts.join(', ')})`);
  }
  return input.placement;
}

function finish(moves: PlannedMove[], unmovable: PlacementPlan['unmovable'], unplaced: PlacementPlan['unplaced'], vms: readonly PlacementVm[]): PlacementPlan {
  const byName = new Map(vms.map((vm) => [vm.name, vm]));
  const plan: PlacementPlan = { moves, unmovable, unplaced };
  if (unplaced.length > 0) {
    plan.shortfall = {
      memory_mib: unplaced.reduce((sum, item) => sum + (byName.get(item.vm)?.memory_mib ?? 0), 0),
      vcpus: unplaced.reduce((sum, item) => sum + (byName.get(item.vm)?.vcpus ?? 0), 0),
    };
  }
  return plan;
}

/** Largest VMs first (they are the hardest to fit), then by name: the same input always gives the same plan. */
function packingOrder(a: PlacementVm, b: PlacementVm): number {
  return b.memory_mib - a.memory_mib || b.vcpus - a.vcpus || a.name.localeCompare(b.name);
}

export function planPlacement(input: PlacementInput): PlacementPlan {
  const overrides = validateOverrides(input);
  const state = rooms(input);
  const moves: PlannedMove[] = [];
  const unmovable: PlacementPlan['unmovable'] = [];
  const unplaced: PlacementPlan['unplaced'] = [];
  const movable: PlacementVm[] = [];
  for (const vm of [...input.vms].sort((a, b) => a.name.localeCompare(b.name))) {
    const why = unmovableWhy(vm);
    if (why) unmovable.push({ vm: vm.name, why });
    else movable.push(vm);
  }
  // The operator's own choices first; one that does not fit is reported, never moved elsewhere.
  for (const vm of movable.filter((candidate) => Object.hasOwn(overrides, candidate.name))) {
    const room = state.get(overrides[vm.name]!)!;
    const tag = conflict(room, vm, input.antiAffinity);
    if (!fits(room, vm)) unplaced.push({ vm: vm.name, why: `placement sends it to ${room.name}, which has ${Math.max(0, room.memory)} MiB and ${Math.max(0, room.vcpus)} vCPUs free; it needs ${vm.memory_mib} MiB and ${vm.vcpus} vCPU${vm.vcpus === 1 ? '' : 's'}` });
    else if (tag) unplaced.push({ vm: vm.name, why: `placement sends it to ${room.name}, which already runs a VM tagged ${tag} (anti-affinity)` });
    else {
      take(room, vm, input.antiAffinity, 1);
      moves.push({ vm: vm.name, from: input.from, to: room.name, memory_mib: vm.memory_mib, why: 'placement in the runbook' });
    }
  }
  const none = new Set<string>();
  for (const vm of movable.filter((candidate) => !Object.hasOwn(overrides, candidate.name)).sort(packingOrder)) {
    const result = placeOne(vm, input.from, state, input, none);
    if ('to' in result) moves.push(result);
    else unplaced.push(result);
  }
  const order = new Map(input.vms.map((vm, index) => [vm.name, index]));
  moves.sort((a, b) => (order.get(a.vm) ?? 0) - (order.get(b.vm) ?? 0));
  unplaced.sort((a, b) => (order.get(a.vm) ?? 0) - (order.get(b.vm) ?? 0));
  return finish(moves, unmovable, unplaced, input.vms);
}

/**
 * "Pick another host" after a migration failed: the failed VM's planned move is given up, the
 * other moves keep their room, and the VM is placed again on a member not in `excludeHosts` (the
 * one that failed, usually). The drain's input is needed again for the members' capacity.
 */
export function replan(plan: PlacementPlan, failedVm: string, excludeHosts: readonly string[], input: PlacementInput): PlacementPlan {
  const vm = input.vms.find((candidate) => candidate.name === failedVm);
  if (!vm) throw new PlacementError(`no VM "${failedVm}" among the VMs to drain from ${input.from}`);
  const state = rooms(input);
  const byName = new Map(input.vms.map((candidate) => [candidate.name, candidate]));
  const kept = plan.moves.filter((move) => move.vm !== failedVm);
  for (const move of kept) {
    const room = state.get(move.to);
    const moved = byName.get(move.vm);
    if (room && moved) take(room, moved, input.antiAffinity, 1);
  }
  const unplaced = plan.unplaced.filter((item) => item.vm !== failedVm);
  const result = placeOne(vm, input.from, state, input, new Set(excludeHosts));
  const moves = 'to' in result ? [...kept, { ...result, why: `another host: ${result.why}` }] : kept;
  if (!('to' in result)) unplaced.push({ vm: failedVm, why: `${excludeHosts.length ? `not ${excludeHosts.join(', ')}: ` : ''}${result.why}` });
  return finish(moves, plan.unmovable, unplaced, input.vms);
}
