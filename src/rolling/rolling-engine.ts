// The rolling's rules inside the pure engine: the member order once the VMs are listed, the
// question before each next member, and what a failed or skipped member means for the rest.
// engine.ts calls these at a few named points; nothing here performs I/O.
import type { Step } from '../runbook/schema.js';
import type { Awaiting, Prompt, PromptAnswer, RunState } from '../engine/types.js';
import { clusterFields, memberAt, reorderMembers } from './cluster-runbook.js';

/** The VMs are listed for the first time: note where each runs, and settle a fewest-vms-first order. */
export function rollingInventoryLoaded(d: RunState): void {
  const rolling = d.rolling;
  if (!rolling) return;
  for (const vm of d.vms ?? []) if (vm.host) rolling.placementBefore[vm.name] = vm.host;
  if (clusterFields(d.runbook).rolling?.order !== 'fewest-vms-first') return;
  const counts = new Map<string, number>();
  for (const vm of d.vms ?? []) if (vm.host && vm.state !== 'shut-off') counts.set(vm.host, (counts.get(vm.host) ?? 0) + 1);
  const members = rolling.members
    .map((member, index) => ({ member, index, count: counts.get(member.name) ?? 0 }))
    .sort((a, b) => a.count - b.count || a.index - b.index)
    .map(({ member }) => member);
  reorderMembers(d, members);
}

const NEXT_HOST = 'next-host';

/** Before a member's first step: the question "go on to host N of M?", unless already answered. */
export function questionBeforeMember(d: RunState): { prompt: Prompt; awaiting: Awaiting } | undefined {
  const rolling = d.rolling;
  if (!rolling) return undefined;
  const member = memberAt(d, d.cursor);
  if (!member || rolling.segments[member.name]?.first !== d.cursor) return undefined;
  const position = rolling.members.findIndex((candidate) => candidate.name === member.name);
  if (position <= 0 || rolling.cleared.includes(member.name)) return undefined;
  if ((clusterFields(d.runbook).rolling?.pause_between ?? 'ask') === 'none') return undefined;
  const previous = rolling.members[position - 1]?.name ?? '?';
  const how = rolling.givenUp[previous] ? `was ${rolling.givenUp[previous].phase}` : 'is done';
  return {
    prompt: {
      kind: 'choice',
      question: `Host ${previous} ${how}. Go on to host ${position + 1} of ${rolling.members.length} (${member.name})?`,
      options: [
        { value: 'go', label: `Go on to ${member.name}` },
        { value: 'stop', label: `Stop the rolling here (${rolling.members.length - position} host(s) left unpatched)` },
      ],
      // Going on only starts the next host's steps; each of them asks before it changes anything.
      default: 'go',
      yesAnswer: 'go',
    },
    awaiting: { purpose: 'rolling', about: NEXT_HOST },
  };
}

/** The answer to a rolling question: undefined to go on, or why the rolling stops. */
export function rollingAnswered(d: RunState, awaiting: Extract<Awaiting, { purpose: 'rolling' }>, value: PromptAnswer): string | undefined {
  const rolling = d.rolling;
  const member = memberAt(d, d.cursor);
  if (!rolling || !member || awaiting.about !== NEXT_HOST) return undefined;
  if (value === 'go') {
    rolling.cleared.push(member.name);
    return undefined;
  }
  return `the operator stopped the rolling before ${member.name}`;
}

/**
 * Gives up on a member: its remaining steps are skipped. A skipped member (the operator's choice)
 * keeps its `return:` steps, so the VMs its drain moved away still come home.
 */
export function giveUpMember(d: RunState, member: string, phase: 'failed' | 'skipped', reason: string, at: number): void {
  const rolling = d.rolling;
  const segment = rolling?.segments[member];
  if (!rolling || !segment) return;
  rolling.givenUp[member] = { phase, reason };
  for (let index = segment.first; index <= segment.last; index++) {
    const state = d.steps[index];
    const step = d.runbook.steps[index];
    if (!state || !step || state.status !== 'pending') continue;
    // The return kind's key; named here rather than imported, as the kinds import this module.
    if (phase === 'skipped' && 'return' in step) continue;
    state.status = 'skipped';
    state.message = `skipped: host ${member} was ${phase} (${reason})`;
    state.endedAt = at;
  }
}

/** How many members have failed so far. */
const failedHosts = (d: RunState) => Object.values(d.rolling?.givenUp ?? {}).filter((given) => given.phase === 'failed').length;

/**
 * A per_host step failed and the policy or the operator ended it: true when the rolling goes on
 * with the next member (stop_on_failure: false, within max_failed_hosts), false when the run ends.
 */
export function memberStepFailed(d: RunState, step: Step, message: string, at: number): boolean {
  const member = memberAt(d, d.cursor);
  if (!d.rolling || !member) return false;
  const spec = clusterFields(d.runbook).rolling;
  const stop = spec?.stop_on_failure ?? true;
  giveUpMember(d, member.name, 'failed', `step ${step.id}: ${message}`, at);
  if (stop) return false;
  const limit = spec?.max_failed_hosts;
  if (limit !== undefined && failedHosts(d) > limit) return false;
  d.notices.push({ at, level: 'warn', text: `host ${member.name} failed (${message}); the rolling goes on (stop_on_failure: false)` });
  return true;
}

/** The failure question's extra choice for a per_host step. */
export function skipHostChoice(d: RunState): { value: string; label: string }[] {
  const member = memberAt(d, d.cursor);
  return member ? [{ value: 'skip-host', label: `Skip the rest of host ${member.name} and go on to the next host` }] : [];
}

/** At the end: the members that failed make the run fail. */
export function rollingOutcome(d: RunState): string | undefined {
  const failed = Object.entries(d.rolling?.givenUp ?? {}).filter(([, given]) => given.phase === 'failed');
  if (failed.length === 0) return undefined;
  return `${failed.length} host(s) failed: ${failed.map(([name, given]) => `${name} (${given.reason})`).join('; ')}`;
}
