// What the journal keeps of a rolling besides the engine's events, for people and the report: the
// placement before the run, each drain's plan, and every VM that moved. (Resume rebuilds the
// rolling from the events; these records are never replayed.)
import type { JournalRecord } from '../journal/records.js';
import type { RunState } from '../engine/types.js';

export function rollingRecords(state: RunState, previous: RunState, at: number): JournalRecord[] {
  const now = state.rolling;
  const before = previous.rolling;
  if (!now) return [];
  const records: JournalRecord[] = [];
  if (Object.keys(now.placementBefore).length > 0 && Object.keys(before?.placementBefore ?? {}).length === 0) {
    records.push({ type: 'placement-before', at, cluster: now.cluster, order: now.members.map((member) => member.name), hosts: { ...now.placementBefore } });
  }
  if (now.plan && now.plan !== before?.plan) {
    const { member, stepId, moves, unmovable, unplaced, shortfall } = now.plan;
    records.push({ type: 'placement-plan', at, member, step: stepId, moves, unmovable, unplaced, ...(shortfall ? { shortfall } : {}) });
  }
  for (const move of now.moves.slice(before?.moves.length ?? 0)) records.push({ type: 'vm-moved', at: move.at, vm: move.vm, from: move.from, to: move.to, step: move.step });
  return records;
}
