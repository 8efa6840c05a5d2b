// Rebuilds a run from its journal: the run's inputs from the run-start record, then every engine
// event through the pure reducer. Secret values were never journaled; the caller supplies them.
import { initialState, reduce } from '../engine/engine.js';
import type { RunState } from '../engine/types.js';
import type { Runbook } from '../runbook/schema.js';
import { recordsOf } from './journal-reader.js';
import type { JournalRecord, RecordOf } from './records.js';

export class ReplayError extends Error {}

export function runStart(records: JournalRecord[]): RecordOf<'run-start'> {
  const start = recordsOf(records, 'run-start')[0];
  if (!start) throw new ReplayError('the journal has no run-start record');
  return start;
}

/** The secrets the run had been given, which resume must be given again. */
export function neededSecrets(records: JournalRecord[]): string[] {
  const start = runStart(records);
  const names = start.secret_params.filter((name) => name in start.params);
  for (const record of recordsOf(records, 'event')) if (record.secret && !record.rejected && !names.includes(record.secret)) names.push(record.secret);
  return names;
}

export function rebuild(records: JournalRecord[], runbook: Runbook, secrets: Record<string, string>, options: { yes?: boolean } = {}): RunState {
  const start = runStart(records);
  const given = { ...start.params };
  for (const name of start.secret_params) if (name in given) given[name] = secrets[name] ?? '';
  let state = initialState(
    runbook,
    {
      // The journal is replayed as it was recorded; a --yes given to resume applies from here on.
      yes: start.options.yes,
      dryRun: start.options.dry_run,
      pauseToRead: start.options.pause_to_read ?? false,
      pauseNotes: start.options.pause_notes ?? false,
      runId: start.run,
      operator: start.operator.user,
    },
    given,
  );
  for (const record of recordsOf(records, 'event')) {
    let event = record.event;
    if (record.secret && event.type === 'answer') {
      if (record.rejected && state.effect) {
        // The answer did not match the pattern and the prompt was asked again: replay just that.
        state = { ...state, effectSeq: state.effectSeq + 1, effect: { ...state.effect, id: state.effectSeq + 1 } };
        continue;
      }
      event = { ...event, value: secrets[record.secret] ?? '' };
    }
    state = reduce(state, event);
  }
  return options.yes && !state.options.yes ? { ...state, options: { ...state.options, yes: true } } : state;
}
