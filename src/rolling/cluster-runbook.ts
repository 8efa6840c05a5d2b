// A cluster runbook as the engine walks it: before_all once, a copy of per_host for each member
// (ids `STEP@MEMBER`), then after_all. The copies are made when the run starts and put in the
// order the rolling takes the members once the VMs are listed, so everything that reads
// `runbook.steps` (journal, renderers, report) sees the rolling as one list of steps.
import type { Runbook, Step } from '../runbook/schema.js';
import type { RollingMember, RollingState, RunState, StepState } from '../engine/types.js';

export interface RollingSpec {
  serial?: number;
  order?: string[] | 'fewest-vms-first';
  pause_between?: 'ask' | 'none';
  stop_on_failure?: boolean;
  max_failed_hosts?: number;
}

/** The cluster fields of a runbook (their schema is cluster-plan's, src/cluster/cluster-schema.ts). */
export interface ClusterFields {
  cluster?: { name: string; anti_affinity?: string[] };
  rolling?: RollingSpec;
  before_all?: Step[];
  per_host?: Step[];
  after_all?: Step[];
}

export const clusterFields = (runbook: Runbook): ClusterFields => runbook as Runbook & ClusterFields;

export const isClusterRunbook = (runbook: Runbook): boolean => Boolean(clusterFields(runbook).cluster && clusterFields(runbook).per_host);

export const MEMBER_SEPARATOR = '@';

export const memberStepId = (id: string, member: string) => `${id}${MEMBER_SEPARATOR}${member}`;

/** The per_host step id a member's copy came from. */
export const baseStepId = (id: string) => (id.includes(MEMBER_SEPARATOR) ? id.slice(0, id.indexOf(MEMBER_SEPARATOR)) : id);

function copyFor(step: Step, member: string, perHostIds: Set<string>): Step {
  const copy = { ...step, id: memberStepId(step.id, member) } as Step;
  const onFailure = step.on_failure;
  if (onFailure && typeof onFailure === 'object' && onFailure.revert && perHostIds.has(onFailure.revert)) {
    copy.on_failure = { ...onFailure, revert: memberStepId(onFailure.revert, member) };
  }
  return copy;
}

/** The members in the order the runbook names; fewest-vms-first is applied once the VMs are listed. */
function ordered(members: RollingMember[], order: RollingSpec['order']): RollingMember[] {
  if (!Array.isArray(order)) return members;
  const rank = new Map(order.map((name, index) => [name, index]));
  return members
    .map((member, index) => ({ member, index }))
    .sort((a, b) => (rank.get(a.member.name) ?? order.length + a.index) - (rank.get(b.member.name) ?? order.length + b.index))
    .map(({ member }) => member);
}

interface Expanded {
  steps: Step[];
  segments: RollingState['segments'];
}

function expand(fields: ClusterFields, members: RollingMember[]): Expanded {
  const before = fields.before_all ?? [];
  const perHost = fields.per_host ?? [];
  const ids = new Set(perHost.map((step) => step.id));
  const steps: Step[] = [...before];
  const segments: RollingState['segments'] = Object.create(null);
  for (const member of members) {
    segments[member.name] = { first: steps.length, last: steps.length + perHost.length - 1 };
    for (const step of perHost) steps.push(copyFor(step, member.name, ids));
  }
  steps.push(...(fields.after_all ?? []));
  return { steps, segments };
}

/** The runbook with its steps laid out for the rolling, and the rolling's starting state. */
export function expandCluster(runbook: Runbook, members: RollingMember[]): { runbook: Runbook; rolling: RollingState } {
  const fields = clusterFields(runbook);
  const taken = ordered(members, fields.rolling?.order);
  const { steps, segments } = expand(fields, taken);
  return {
    runbook: { ...runbook, steps },
    rolling: {
      cluster: fields.cluster?.name ?? 'cluster',
      members: taken,
      segments,
      givenUp: Object.create(null),
      cleared: [],
      placementBefore: Object.create(null),
      drained: Object.create(null),
      moves: [],
    },
  };
}

/** Re-lays the per_host copies for a new member order; only before any step has begun. */
export function reorderMembers(d: RunState, members: RollingMember[]): void {
  const rolling = d.rolling;
  if (!rolling) return;
  const { steps, segments } = expand(clusterFields(d.runbook), members);
  const states = new Map(d.steps.map((state) => [state.id, state]));
  d.runbook.steps = steps;
  d.steps = steps.map((step): StepState => states.get(step.id) ?? { id: step.id, kind: d.steps[0]?.kind ?? 'note', status: 'pending', attempts: 0 });
  rolling.members = members;
  rolling.segments = segments;
}

/** The member whose per_host copy holds step `index`, if any. */
export function memberAt(state: Pick<RunState, 'rolling'>, index: number): RollingMember | undefined {
  const rolling = state.rolling;
  if (!rolling) return undefined;
  for (const member of rolling.members) {
    const segment = rolling.segments[member.name];
    if (segment && index >= segment.first && index <= segment.last) return member;
  }
  return undefined;
}

/** The member the run is at now (its current step's). */
export const currentMember = (state: Pick<RunState, 'rolling' | 'cursor' | 'phase'>): RollingMember | undefined =>
  state.phase === 'steps' ? memberAt(state, state.cursor) : undefined;
