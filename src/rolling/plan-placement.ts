// Stand-in for cluster-plan's planner (src/cluster/placement.ts), with the contract's signature,
// until that branch is merged: first fit by memory, largest VMs first, never overcommitting.
export interface PlacementVm { name: string; memory_mib: number; vcpus: number; tags: string[]; unmovable?: string }
export interface MemberCapacity { name: string; memory_free_mib: number; vcpus_free: number; patched: boolean; vms: PlacementVm[] }
export interface PlacementInput { from: string; vms: PlacementVm[]; members: MemberCapacity[]; placement: 'auto' | Record<string, string>; prefer: 'patched' | 'least-loaded'; antiAffinity: string[] }
export interface PlannedMove { vm: string; from: string; to: string; memory_mib: number; why: string }
export interface PlacementPlan { moves: PlannedMove[]; unmovable: { vm: string; why: string }[]; unplaced: { vm: string; why: string }[]; shortfall?: { memory_mib: number; vcpus: number } }

export function planPlacement(input: PlacementInput): PlacementPlan {
  const left = new Map(input.members.filter((member) => member.name !== input.from).map((member) => [member.name, { ...member, vms: [...member.vms] }]));
  const plan: PlacementPlan = { moves: [], unmovable: [], unplaced: [] };
  const guarded = (vm: PlacementVm) => vm.tags.filter((tag) => input.antiAffinity.includes(tag));
  const shortfall = { memory_mib: 0, vcpus: 0 };
  for (const vm of [...input.vms].sort((a, b) => b.memory_mib - a.memory_mib || a.name.localeCompare(b.name))) {
    if (vm.unmovable) {
      plan.unmovable.push({ vm: vm.name, why: vm.unmovable });
      continue;
    }
    const tags = guarded(vm);
    const fits = [...left.values()].filter(
      (member) => member.memory_free_mib >= vm.memory_mib && member.vcpus_free >= vm.vcpus && !member.vms.some((other) => other.tags.some((tag) => tags.includes(tag))),
    );
    const wanted = input.placement === 'auto' ? undefined : input.placement[vm.name];
    const ranked = fits.sort((a, b) => (input.prefer === 'patched' ? Number(b.patched) - Number(a.patched) : 0) || b.memory_free_mib - a.memory_free_mib || a.name.localeCompare(b.name));
    const to = wanted ? fits.find((member) => member.name === wanted) : ranked[0];
    if (!to) {
      plan.unplaced.push({ vm: vm.name, why: wanted ? `${wanted} cannot take it` : tags.length ? `no member with room and without another ${tags.join('/')} VM` : 'no member has room' });
      shortfall.memory_mib += vm.memory_mib;
      shortfall.vcpus += vm.vcpus;
      continue;
    }
    to.memory_free_mib -= vm.memory_mib;
    to.vcpus_free -= vm.vcpus;
    to.vms.push(vm);
    const why = wanted ? 'placement in the runbook' : `${to.patched ? 'patched, ' : ''}${to.memory_free_mib + vm.memory_mib} MiB free`;
    plan.moves.push({ vm: vm.name, from: input.from, to: to.name, memory_mib: vm.memory_mib, why });
  }
  if (plan.unplaced.length) plan.shortfall = shortfall;
  return plan;
}
