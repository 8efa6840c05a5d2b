// The rolling as both renderers and the report show it: one row per member (host, phase, VMs,
// elapsed), the drain's placement table (VM, from, to, memory, why), "host 2 of 5", and every
// VM's placement before, during and after.
import type { DrainPlan, MemberPhase, RunState } from '../engine/types.js';
import { kindOfStep } from '../kinds/registry.js';
import { formatDuration } from '../runbook/duration.js';
import { currentMember } from '../rolling/cluster-runbook.js';
import { memoryText } from './vm-rows.js';

export const MEMBER_COLUMNS = ['host', 'phase', 'VMs', 'elapsed'] as const;
export const PLACEMENT_COLUMNS = ['VM', 'from', 'to', 'memory', 'why'] as const;

const PHASE_OF_KIND: Record<string, MemberPhase> = { drain: 'draining', reboot: 'rebooting', return: 'returning' };

/** Where a member stands, from its steps: nothing is kept twice. */
export function memberPhase(run: RunState, name: string): MemberPhase {
  const rolling = run.rolling;
  const given = rolling?.givenUp[name];
  if (given) return given.phase;
  const segment = rolling?.segments[name];
  if (!segment) return 'waiting';
  const states = run.steps.slice(segment.first, segment.last + 1);
  if (states.every((state) => state.status === 'pending')) return 'waiting';
  if (states.every((state) => state.status !== 'pending' && state.status !== 'running')) return states.some((state) => state.status === 'failed') ? 'failed' : 'done';
  const active = run.phase === 'steps' && run.cursor >= segment.first && run.cursor <= segment.last ? run.runbook.steps[run.cursor] : undefined;
  const kind = active ? kindOfStep(active)?.key : undefined;
  return (kind && PHASE_OF_KIND[kind]) ?? 'patching';
}

export interface MemberRow {
  host: string;
  phase: MemberPhase;
  vms: number;
  elapsed: string;
  current: boolean;
}

export function memberRows(run: RunState, now: number): MemberRow[] {
  const rolling = run.rolling;
  if (!rolling) return [];
  const counts = new Map<string, number>();
  for (const vm of run.vms ?? []) if (vm.host && vm.state !== 'shut-off') counts.set(vm.host, (counts.get(vm.host) ?? 0) + 1);
  const current = currentMember(run)?.name;
  return rolling.members.map((member) => {
    const segment = rolling.segments[member.name];
    const states = segment ? run.steps.slice(segment.first, segment.last + 1) : [];
    const started = states.find((state) => state.startedAt !== undefined)?.startedAt;
    const ended = states.every((state) => state.status !== 'pending' && state.status !== 'running') ? Math.max(...states.map((state) => state.endedAt ?? 0)) : undefined;
    const elapsed = started === undefined ? '' : formatDuration(Math.max(0, (ended ?? now) - started));
    return { host: member.name, phase: memberPhase(run, member.name), vms: counts.get(member.name) ?? 0, elapsed, current: member.name === current };
  });
}

export const memberCells = (row: MemberRow): string[] => [`${row.current ? '▸ ' : ''}${row.host}`, row.phase, String(row.vms), row.elapsed];

/** "host 2 of 5 (node2)", or undefined outside a member's steps. */
export function rollingProgress(run: RunState): string | undefined {
  const rolling = run.rolling;
  const member = currentMember(run);
  if (!rolling || !member) return undefined;
  const position = rolling.members.findIndex((candidate) => candidate.name === member.name);
  return `host ${position + 1} of ${rolling.members.length} (${member.name})`;
}

/** The drain's plan, one row per VM: moves, then VMs that cannot move, then those with no room. */
export function placementRows(plan: DrainPlan, memoryOf: (vm: string) => number | undefined): string[][] {
  const memory = (vm: string) => {
    const mib = memoryOf(vm);
    return mib === undefined ? '' : memoryText(mib);
  };
  return [
    ...plan.moves.map((move) => [move.vm, move.from, move.to, memoryText(move.memory_mib), move.why]),
    ...plan.unmovable.map((vm) => [vm.vm, plan.member, '(stays)', memory(vm.vm), `cannot migrate: ${vm.why}`]),
    ...plan.unplaced.map((vm) => [vm.vm, plan.member, '(no room)', memory(vm.vm), vm.why]),
  ];
}

/** The plan's last line: the shortfall, when there is one. */
export function shortfallText(plan: DrainPlan): string | undefined {
  const short = plan.shortfall;
  if (!short || plan.unplaced.length === 0) return undefined;
  return `capacity short by ${memoryText(short.memory_mib)} and ${short.vcpus} vCPU(s): ${plan.unplaced.length} VM(s) have no place`;
}

export const PLACEMENT_HISTORY_COLUMNS = ['VM', 'before', 'during', 'after', 'home'] as const;

/** Every VM's host before the rolling, the hosts it passed through, and where it is now. */
export function placementHistory(run: RunState): string[][] {
  const rolling = run.rolling;
  if (!rolling) return [];
  const passed = new Map<string, string[]>();
  for (const move of rolling.moves) {
    const list = passed.get(move.vm) ?? [];
    list.push(move.to);
    passed.set(move.vm, list);
  }
  return (run.vms ?? []).map((vm) => {
    const before = rolling.placementBefore[vm.name] ?? '?';
    const after = vm.host ?? '?';
    const during = (passed.get(vm.name) ?? []).filter((host) => host !== before);
    return [vm.name, before, during.length ? [...new Set(during)].join(', ') : '-', after, after === before ? 'yes' : 'NO'];
  });
}
