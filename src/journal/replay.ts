// Rebuilds a run from its journal: the run's inputs from the run-start record, then every engine
// event through the pure reducer. Secret values were never journaled; the caller supplies them.
// Both passes stream the journal, so a journal of any size is rebuilt in bounded memory.
import { initialState, reduce } from '../engine/engine.js';
import type { RunState } from '../engine/types.js';
import type { Runbook } from '../runbook/schema.js';
import { recordsOf, scanJournal, type JournalScan } from './journal-reader.js';
import type { JournalRecord, RecordOf } from './records.js';
import { StandingTracker, type RunStanding } from './run-index.js';

export class ReplayError extends Error {}

export function runStart(records: JournalRecord[]): RecordOf<'run-start'> {
  const start = recordsOf(records, 'run-start')[0];
  if (!start) throw new ReplayError('the journal has no run-start record');
  return start;
}

/** What resume must know before it can replay: gathered in one streaming pass, never every record. */
export interface JournalFacts {
  start: RecordOf<'run-start'>;
  end: RecordOf<'run-end'> | undefined;
  standing: RunStanding;
  /** The last run-start or resume record: who drove the run last. */
  driver: RecordOf<'run-start'> | RecordOf<'resume'>;
  /** The records DurableExec needs to find commands recorded as started. */
  execRecords: JournalRecord[];
  /** Effects whose VM power change or reboot was recorded as under way. */
  effectStarts: Set<number>;
  /** The secrets the run had been given, which resume must be given again. */
  neededSecrets: string[];
  scan: JournalScan;
}

export function journalFacts(file: string): JournalFacts {
  let start: RecordOf<'run-start'> | undefined;
  let end: RecordOf<'run-end'> | undefined;
  let driver: RecordOf<'run-start'> | RecordOf<'resume'> | undefined;
  const standing = new StandingTracker();
  const execRecords: JournalRecord[] = [];
  const effectStarts = new Set<number>();
  const secretAnswers: string[] = [];
  const scan = scanJournal(file, (record) => {
    standing.add(record);
    if (record.type === 'run-start') start ??= record;
    if (record.type === 'run-start' || record.type === 'resume') driver = record;
    if (record.type === 'run-end') end = record;
    if (record.type === 'exec-start' || record.type === 'exec-cancelled') execRecords.push(record);
    if (record.type === 'effect-start') effectStarts.add(record.effect);
    if (record.type === 'event' && record.secret && !record.rejected && !secretAnswers.includes(record.secret)) secretAnswers.push(record.secret);
  });
  if (!start || !driver) throw new ReplayError('the journal has no run-start record');
  const begun = start;
  const names = begun.secret_params.filter((name) => name in begun.params);
  for (const name of secretAnswers) if (!names.includes(name)) names.push(name);
  return { start, end, standing: standing.standing, driver, execRecords, effectStarts, neededSecrets: names, scan };
}

/** The secrets the run had been given, which resume must be given again. */
export function neededSecrets(records: JournalRecord[]): string[] {
  const start = runStart(records);
  const names = start.secret_params.filter((name) => name in start.params);
  for (const record of recordsOf(records, 'event')) if (record.secret && !record.rejected && !names.includes(record.secret)) names.push(record.secret);
  return names;
}

/** Feeds engine events, one record at a time, through the reducer. */
export class Replayer {
  private current: RunState;

  constructor(
    start: RecordOf<'run-start'>,
    runbook: Runbook,
    private readonly secrets: Record<string, string>,
    private readonly options: { yes?: boolean } = {},
  ) {
    const given = { ...start.params };
    for (const name of start.secret_params) if (name in given) given[name] = secrets[name] ?? '';
    this.current = initialState(
      runbook,
      {
        // The journal is replayed as it was recorded; a --yes given to resume applies from here on.
        yes: start.options.yes,
        dryRun: start.options.dry_run,
        pauseToRead: start.options.pause_to_read ?? false,
        pauseNotes: start.options.pause_notes ?? false,
        runId: start.run,
        operator: start.operator.user,
        // A resumed rehearsal stays one: simulated VMs, nothing executed.
        ...(start.rehearsal ? { rehearsal: true } : {}),
        ...(start.options.guided ? { guided: true } : {}),
        ...(start.history ? { history: start.history } : {}),
      },
      given,
      start.members,
    );
  }

  add(record: JournalRecord): void {
    if (record.type !== 'event') return;
    let event = record.event;
    if (record.secret && event.type === 'answer') {
      if (record.rejected && this.current.effect) {
        // The answer did not match the pattern and the prompt was asked again: replay just that.
        const state = this.current;
        this.current = { ...state, effectSeq: state.effectSeq + 1, effect: { ...state.effect!, id: state.effectSeq + 1 } };
        return;
      }
      event = { ...event, value: this.secrets[record.secret] ?? '' };
    }
    this.current = reduce(this.current, event);
  }

  /** The run as replayed, with resume's own --yes from here on. */
  get state(): RunState {
    const state = this.current;
    return this.options.yes && !state.options.yes ? { ...state, options: { ...state.options, yes: true } } : state;
  }
}

export function rebuild(records: JournalRecord[], runbook: Runbook, secrets: Record<string, string>, options: { yes?: boolean } = {}): RunState {
  const replayer = new Replayer(runStart(records), runbook, secrets, options);
  for (const record of records) replayer.add(record);
  return replayer.state;
}

/** The run rebuilt from its journal file, streamed. */
export function rebuildFromFile(file: string, start: RecordOf<'run-start'>, runbook: Runbook, secrets: Record<string, string>, options: { yes?: boolean } = {}): RunState {
  const replayer = new Replayer(start, runbook, secrets, options);
  scanJournal(file, (record) => replayer.add(record));
  return replayer.state;
}
