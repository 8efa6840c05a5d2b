// The report's rolling: a section per host (how it went, when, what moved), and every VM's
// placement before, during and after with its downtime. Gathered from the journal's rolling
// records as they stream past, a few per VM.
import type { JournalRecord } from '../journal/records.js';
import type { Runbook } from '../runbook/schema.js';
import type { RollingMember } from '../engine/types.js';
import { expandCluster, isClusterRunbook, MEMBER_SEPARATOR } from './cluster-runbook.js';

export interface ReportHost {
  name: string;
  outcome: 'done' | 'failed' | 'skipped' | 'interrupted' | 'not started';
  started_at: number | null;
  ended_at: number | null;
  moved_away: string[];
  moved_back: string[];
  /** The drain's plan as shown before anything moved. */
  plan: { vm: string; to: string; why: string }[];
  cannot_move: string[];
}

export interface ReportPlacement {
  vm: string;
  before: string | null;
  during: string[];
  after: string | null;
}

export interface ReportRolling {
  cluster: string;
  hosts: ReportHost[];
  placement: ReportPlacement[];
}

interface StepSeen {
  step: string;
  at: number;
  status?: string;
  endedAt?: number;
  message?: string;
}

export class RollingCollector {
  private cluster: string | undefined;
  private order: string[] = [];
  private before: Record<string, string> = {};
  private readonly moves: { vm: string; from: string; to: string; step: string }[] = [];
  private readonly plans = new Map<string, Extract<JournalRecord, { type: 'placement-plan' }>>();
  private readonly steps = new Map<string, StepSeen>();

  add(record: JournalRecord): void {
    if (record.type === 'placement-before') {
      this.cluster = record.cluster;
      this.order = record.order;
      this.before = record.hosts;
    } else if (record.type === 'placement-plan') this.plans.set(record.member, record);
    else if (record.type === 'vm-moved') this.moves.push(record);
    else if (record.type === 'step-start' && record.step.includes(MEMBER_SEPARATOR)) this.steps.set(record.step, { step: record.step, at: record.at });
    else if (record.type === 'step-end' && record.step.includes(MEMBER_SEPARATOR)) {
      const seen = this.steps.get(record.step) ?? { step: record.step, at: record.at };
      this.steps.set(record.step, { ...seen, status: record.status, endedAt: record.at, message: record.message });
    }
  }

  /** The members in the order the run took them (journaled once the VMs were listed). */
  get memberOrder(): string[] {
    return this.order;
  }

  report(members: RollingMember[], ended: boolean): ReportRolling | undefined {
    if (!this.cluster) return undefined;
    const hosts = (this.order.length ? this.order : members.map((member) => member.name)).map((name): ReportHost => {
      const steps = [...this.steps.values()].filter((seen) => seen.step.endsWith(`${MEMBER_SEPARATOR}${name}`));
      const statuses = steps.map((seen) => seen.status);
      const outcome: ReportHost['outcome'] =
        steps.length === 0
          ? 'not started'
          : statuses.includes('failed')
            ? 'failed'
            : statuses.some((status) => status === undefined)
              ? ended
                ? 'failed'
                : 'interrupted'
              : steps.some((seen) => seen.status === 'skipped' && /host \S+ (was )?skipped/.test(seen.message ?? ''))
                ? 'skipped'
                : 'done';
      const plan = this.plans.get(name);
      return {
        name,
        outcome,
        started_at: steps.length ? Math.min(...steps.map((seen) => seen.at)) : null,
        ended_at: steps.length && steps.every((seen) => seen.endedAt !== undefined) ? Math.max(...steps.map((seen) => seen.endedAt ?? 0)) : null,
        moved_away: this.moves.filter((move) => move.step.endsWith(`${MEMBER_SEPARATOR}${name}`) && move.from === name).map((move) => move.vm),
        moved_back: this.moves.filter((move) => move.step.endsWith(`${MEMBER_SEPARATOR}${name}`) && move.to === name).map((move) => move.vm),
        plan: plan ? plan.moves.map((move) => ({ vm: move.vm, to: move.to, why: move.why })) : [],
        cannot_move: plan ? [...plan.unmovable, ...plan.unplaced].map((vm) => `${vm.vm} (${vm.why})`) : [],
      };
    });
    const placement = Object.entries(this.before).map(([vm, before]): ReportPlacement => {
      const moves = this.moves.filter((move) => move.vm === vm);
      const after = moves.at(-1)?.to ?? before;
      return { vm, before, during: [...new Set(moves.map((move) => move.to).filter((host) => host !== before))], after };
    });
    return { cluster: this.cluster, hosts, placement };
  }
}

/** A cluster runbook's steps as the run laid them out (members in the order it took them). */
export function reportSteps(runbook: Runbook, members: RollingMember[] | undefined, order: string[]): Runbook['steps'] {
  if (!members || !isClusterRunbook(runbook)) return runbook.steps;
  const rank = new Map(order.map((name, index) => [name, index]));
  const ordered = [...members].sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
  return expandCluster({ ...runbook, rolling: { ...(runbook as { rolling?: object }).rolling, order: undefined } } as Runbook, ordered).runbook.steps;
}
