// The snapshots a run took, and what became of them, read back from its journal: the report shows
// them because a leftover snapshot fills a datastore.
import { recordsOf } from './journal-reader.js';
import type { JournalRecord } from './records.js';

export interface ReportSnapshot {
  vm: string;
  name: string;
  step: string;
  taken_at: number;
  state: 'taken' | 'reverted' | 'deleted';
  /** Why a delete (cleanup) failed. */
  problem: string | null;
}

const ACTIONS = { 'snapshot-create': 'taken', 'snapshot-revert': 'reverted', 'snapshot-delete': 'deleted' } as const;

export function reportSnapshots(records: readonly JournalRecord[]): ReportSnapshot[] {
  const starts = new Map(recordsOf([...records], 'effect-start').map((record) => [record.effect, record]));
  const snapshots = new Map<string, ReportSnapshot>();
  for (const record of recordsOf([...records], 'event')) {
    const event = record.event;
    if (event.type !== 'vm-snapshot-done') continue;
    const start = starts.get(event.effectId);
    if (!start || !(start.action in ACTIONS)) continue;
    const state = ACTIONS[start.action as keyof typeof ACTIONS];
    const name = start.detail.split(':')[0] ?? '';
    for (const result of event.results) {
      const key = `${result.name}\0${name}`;
      const known = snapshots.get(key);
      if (result.outcome !== 'ok') {
        if (known && state === 'deleted') known.problem = result.message ?? result.outcome;
        continue;
      }
      if (state === 'taken') snapshots.set(key, { vm: result.name, name, step: start.step, taken_at: event.at, state, problem: null });
      else if (known) known.state = state;
    }
  }
  return [...snapshots.values()];
}
