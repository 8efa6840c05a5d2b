import { describe, expect, it } from 'vitest';
import { planPlacement, PlacementError, replan, type MemberCapacity, type PlacementInput, type PlacementVm } from '../../src/cluster/placement.js';

const vm = (name: string, memory_mib: number, vcpus = 1, tags: string[] = [], unmovable?: string): PlacementVm => ({ name, memory_mib, vcpus, tags, ...(unmovable ? { unmovable } : {}) });
const member = (name: string, memory_free_mib: number, vcpus_free = 16, patched = false, vms: PlacementVm[] = []): MemberCapacity => ({ name, memory_free_mib, vcpus_free, patched, vms });

function input(overrides: Partial<PlacementInput>): PlacementInput {
  return { from: 'pve1', vms: [], members: [], placement: 'auto', prefer: 'least-loaded', antiAffinity: [], ...overrides };
}

describe('planPlacement', () => {
  it('places every VM by free memory, largest first, and never on the drained host', () => {
    const plan = planPlacement(input({
      vms: [vm('web1', 2048), vm('db1', 8192, 4), vm('app1', 4096)],
      members: [member('pve1', 100_000), member('pve2', 10_000), member('pve3', 8_000)],
    }));
    expect(plan.moves.map(({ vm: name, to }) => [name, to])).toEqual([['web1', 'pve3'], ['db1', 'pve2'], ['app1', 'pve3']]);
    expect(plan.unplaced).toEqual([]);
    expect(plan.shortfall).toBeUndefined();
    expect(plan.moves.every((move) => move.from === 'pve1' && move.to !== 'pve1')).toBe(true);
  });

  it('never overcommits: a VM with no room is unplaced, and the shortfall says by how much', () => {
    const plan = planPlacement(input({
      vms: [vm('big', 16_384, 8), vm('small', 1024)],
      members: [member('pve2', 12_000, 16), member('pve3', 2_000, 1)],
    }));
    expect(plan.moves.map((move) => move.vm)).toEqual(['small']);
    expect(plan.unplaced).toEqual([{ vm: 'big', why: 'needs 16384 MiB and 8 vCPUs; the most free is pve2 with 12000 MiB and 16 vCPUs' }]);
    expect(plan.shortfall).toEqual({ memory_mib: 16_384, vcpus: 8 });
  });

  it('counts vCPUs as well as memory', () => {
    const plan = planPlacement(input({ vms: [vm('wide', 1024, 8)], members: [member('pve2', 64_000, 4)] }));
    expect(plan.unplaced.map((item) => item.vm)).toEqual(['wide']);
    expect(plan.shortfall).toEqual({ memory_mib: 1024, vcpus: 8 });
  });

  it('keeps two VMs with an anti-affinity tag apart, counting the VMs already on each member', () => {
    const plan = planPlacement(input({
      antiAffinity: ['db'],
      vms: [vm('db1', 4096, 2, ['db']), vm('db2', 4096, 2, ['db']), vm('db3', 4096, 2, ['db'])],
      members: [member('pve2', 64_000), member('pve3', 64_000), member('pve4', 64_000, 16, false, [vm('db0', 1024, 1, ['db'])])],
    }));
    const targets = plan.moves.map((move) => move.to);
    expect(new Set(targets).size).toBe(targets.length);
    expect(targets).not.toContain('pve4');
    expect(plan.unplaced).toEqual([{ vm: 'db3', why: 'anti-affinity (db): every member with 4096 MiB and 2 vCPUs free already runs a VM tagged db' }]);
  });

  it('sets VMs that cannot migrate apart, with the reason, for the unmovable policy', () => {
    const plan = planPlacement(input({
      vms: [vm('gpu1', 1024, 1, [], 'PCI passthrough (hostdev)'), vm('legacy', 1024, 1, ['no-migrate']), vm('web', 1024)],
      members: [member('pve2', 64_000)],
    }));
    expect(plan.unmovable).toEqual([{ vm: 'gpu1', why: 'PCI passthrough (hostdev)' }, { vm: 'legacy', why: 'tagged no-migrate' }]);
    expect(plan.moves.map((move) => move.vm)).toEqual(['web']);
  });

  it('prefer: patched sends VMs to members already patched, least-loaded to the one with most room', () => {
    const members = [member('pve2', 8_000, 16, true), member('pve3', 60_000)];
    expect(planPlacement(input({ prefer: 'patched', vms: [vm('a', 1024)], members })).moves[0]).toMatchObject({ to: 'pve2', why: 'patched already (6976 MiB left)' });
    expect(planPlacement(input({ prefer: 'least-loaded', vms: [vm('a', 1024)], members })).moves[0]).toMatchObject({ to: 'pve3' });
  });

  it('follows placement overrides, and reports one that does not fit rather than moving the VM elsewhere', () => {
    const plan = planPlacement(input({
      placement: { web: 'pve3', db: 'pve3' },
      vms: [vm('web', 2048), vm('db', 8192), vm('app', 1024)],
      members: [member('pve2', 64_000), member('pve3', 4_096)],
    }));
    expect(plan.moves).toEqual([
      { vm: 'web', from: 'pve1', to: 'pve3', memory_mib: 2048, why: 'placement in the runbook' },
      { vm: 'app', from: 'pve1', to: 'pve2', memory_mib: 1024, why: 'most free memory (62976 MiB left)' },
    ]);
    expect(plan.unplaced).toEqual([{ vm: 'db', why: 'placement sends it to pve3, which has 4096 MiB and 16 vCPUs free; it needs 8192 MiB and 1 vCPU' }]);
  });

  it('refuses a placement naming an unknown VM or host, or the drained host itself', () => {
    const base = { vms: [vm('web', 1024)], members: [member('pve1', 0), member('pve2', 64_000)] };
    expect(() => planPlacement(input({ ...base, placement: { wbe: 'pve2' } }))).toThrow(new PlacementError('placement names VM "wbe", which is not among the VMs to drain from pve1 (web)'));
    expect(() => planPlacement(input({ ...base, placement: { web: 'pve9' } }))).toThrow('placement sends web to "pve9", which is not a member (members: pve2)');
    expect(() => planPlacement(input({ ...base, placement: { web: 'pve1' } }))).toThrow('placement sends web to pve1, the host being drained');
  });

  it('is deterministic: the order of members and VMs in the input does not change the plan', () => {
    const vms = Array.from({ length: 30 }, (_, index) => vm(`vm${index}`, 512 * ((index % 5) + 1), (index % 3) + 1, index % 4 === 0 ? ['db'] : []));
    const members = Array.from({ length: 6 }, (_, index) => member(`pve${index + 2}`, 8_000 + index * 500, 12));
    const one = planPlacement(input({ antiAffinity: ['db'], vms, members }));
    const two = planPlacement(input({ antiAffinity: ['db'], vms: [...vms].reverse(), members: [...members].reverse() }));
    expect(new Map(two.moves.map((move) => [move.vm, move.to]))).toEqual(new Map(one.moves.map((move) => [move.vm, move.to])));
    expect(new Set(two.unplaced.map((item) => item.vm))).toEqual(new Set(one.unplaced.map((item) => item.vm)));
  });

  it('no other member: every VM is unplaced with that reason', () => {
    const plan = planPlacement(input({ vms: [vm('web', 1024)], members: [member('pve1', 64_000)] }));
    expect(plan.unplaced).toEqual([{ vm: 'web', why: 'no other member to move it to' }]);
  });
});

describe('replan (pick another host)', () => {
  it('moves the failed VM to another member, keeping the other moves and their room', () => {
    const drain = input({ vms: [vm('a', 4096), vm('b', 4096)], members: [member('pve2', 8192), member('pve3', 8192)] });
    const plan = planPlacement(drain);
    const failedTo = plan.moves.find((move) => move.vm === 'a')!.to;
    const again = replan(plan, 'a', [failedTo], drain);
    const moved = again.moves.find((move) => move.vm === 'a')!;
    expect(moved.to).not.toBe(failedTo);
    expect(moved.why).toMatch(/^another host: /);
    expect(again.moves.find((move) => move.vm === 'b')).toEqual(plan.moves.find((move) => move.vm === 'b'));
  });

  it('with no other member left, the VM is unplaced and counted in the shortfall', () => {
    const drain = input({ vms: [vm('a', 4096)], members: [member('pve2', 8192)] });
    const again = replan(planPlacement(drain), 'a', ['pve2'], drain);
    expect(again.moves).toEqual([]);
    expect(again.unplaced).toEqual([{ vm: 'a', why: 'not pve2: no other member to move it to' }]);
    expect(again.shortfall).toEqual({ memory_mib: 4096, vcpus: 1 });
  });
});
