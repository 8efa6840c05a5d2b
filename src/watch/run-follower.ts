// Follows a run from its files alone: the journal's engine events go through the same pure reducer
// the driver used, so the watcher's state is the driver's; each command's output file is read as
// it grows. Only appended bytes are read, and nothing is ever written: a watcher may have read
// access only, and the driver never waits on it.
import { isFinished, reduce } from '../engine/engine.js';
import { SECRET_MASK } from '../engine/context.js';
import type { RunState } from '../engine/types.js';
import type { Stream } from '../exec/exec-request.js';
import { decodeLine, RECORD_MAX_CHARS } from '../exec/output-file.js';
import { withoutWrapperMarker } from '../exec/ssh-transport.js';
import { describeOperator, type Operator } from '../journal/operator.js';
import type { JournalRecord, RecordOf } from '../journal/records.js';
import type { RunFolder } from '../journal/run-folder.js';
import { JOURNAL_RECORD_MAX_BYTES } from '../limits.js';
import { isAbsolute } from 'node:path';
import { FileTail } from './file-tail.js';

/** How the driver's progress lines name a VM power change (drive-run.ts); other actions as journaled. */
const ACTION_WORDS: Record<string, string> = { shutdown: 'shut down', poweroff: 'force power-off', start: 'start', migrate: 'live-migrate' };

/** Records that change neither who drives nor what they wait for. */
const QUIET_RECORDS = new Set<string>(['step-start', 'step-end', 'effect-start', 'prompt', 'answer', 'vm-state', 'notice', 'lock', 'torn-record', 'exec-start', 'exec-attach', 'exec-end', 'exec-cancelled', 'notify-failed']);

/** What a watcher shows besides the run itself: who drives, and what they are asked. */
export interface WatchStanding {
  driver: Operator | undefined;
  /** "waiting for alice to answer: …", or a pending request from the journal; undefined when none. */
  waiting: string | undefined;
  /** The last handover, for "taken over by …". */
  handover: RecordOf<'handover'> | undefined;
  /** The driver left (a dropped session): nobody drives until someone resumes. */
  interrupted: boolean;
  ended: boolean;
}

export interface WatchView {
  state(state: RunState, previous: RunState | undefined): void;
  output(stepId: string, stream: Stream, line: string): void;
  progress(stepId: string, text: string): void;
  standing?(standing: WatchStanding): void;
}

interface OpenOutput {
  step: string;
  tail: FileTail;
}

/** The user as a watcher names them: the user, and the SSH client they came from. */
export function driverName(operator: Operator | undefined): string {
  if (!operator) return 'the driver';
  return `${operator.user}${operator.ssh_client ? ` (from ${operator.ssh_client})` : ''}`;
}

export class RunFollower {
  state: RunState;
  private readonly journal: FileTail;
  private readonly outputs = new Map<string, OpenOutput>();
  private open: OpenOutput | undefined;
  private driver: Operator | undefined;
  private handover: RecordOf<'handover'> | undefined;
  private pending: string | undefined;
  private interrupted = false;
  private ended = false;
  private lastStanding = '';

  constructor(
    private readonly folder: RunFolder,
    initial: RunState,
    private readonly view: WatchView,
    from: { offset?: number; driver?: Operator; output?: { file: string; step: string; offset: number } } = {},
  ) {
    this.state = initial;
    this.driver = from.driver;
    this.journal = new FileTail(folder.journal, JOURNAL_RECORD_MAX_BYTES, from.offset ?? 0);
    if (from.output) this.openOutput(from.output.file, from.output.step, from.output.offset);
  }

  get finished(): boolean {
    return this.ended;
  }

  get journalOffset(): number {
    return this.journal.offset;
  }

  /** The output file being followed, for fs.watch. */
  get openOutputPath(): string | undefined {
    return this.open?.tail.path;
  }

  /** Reads everything appended since the last call and shows it. */
  pump(): void {
    this.drainOutput();
    this.journal.read((line) => {
      let record: JournalRecord | undefined;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch {
        return; // A damaged line: the driver's own reader skips it too.
      }
      if (record && typeof record === 'object' && typeof record.type === 'string') this.take(record);
    });
    this.drainOutput();
    this.tellStanding();
  }

  private openOutput(file: string, step: string, offset = 0): void {
    // Output files live in the run folder; a journal line naming anything else is not followed.
    if (isAbsolute(file) || file.split(/[\\/]/).includes('..')) return;
    // One file per command start; an attach after a resume goes on where the watcher was.
    let open = this.outputs.get(file);
    if (!open) {
      open = { step, tail: new FileTail(this.folder.resolve(file), RECORD_MAX_CHARS * 4, offset) };
      this.outputs.set(file, open);
    }
    this.open = open;
  }

  private drainOutput(): void {
    const open = this.open;
    if (!open) return;
    open.tail.read((raw) => {
      const { stream, line } = decodeLine(raw);
      const shown = stream === 'stderr' ? withoutWrapperMarker(line) : line;
      if (shown !== undefined) this.view.output(open.step, stream, shown);
    });
  }

  private closeOutput(file: string): void {
    const open = this.outputs.get(file);
    if (!open) return;
    if (this.open !== open) return;
    this.drainOutput();
    // Kept in the map: a resume that attaches to the same file again goes on from here.
    this.open = undefined;
  }

  private apply(record: RecordOf<'event'>): void {
    let event = record.event;
    const previous = this.state;
    if (record.secret && event.type === 'answer') {
      if (record.rejected && previous.effect) {
        // The answer did not match and the question was asked again: as replay does (replay.ts).
        this.state = { ...previous, effectSeq: previous.effectSeq + 1, effect: { ...previous.effect, id: previous.effectSeq + 1 } };
        this.view.state(this.state, previous);
        return;
      }
      // The watcher never learns a secret; the masked value stands in for it.
      event = { ...event, value: SECRET_MASK };
    }
    this.state = reduce(previous, event);
    if (this.state !== previous) this.view.state(this.state, previous);
  }

  private take(record: JournalRecord): void {
    this.takeRecord(record);
    // Who drives and what they are asked change with these; the view hears it in order with the rest.
    if (!QUIET_RECORDS.has(record.type)) this.tellStanding();
  }

  private takeRecord(record: JournalRecord): void {
    // Anything the driver does next settles a request shown from an unknown record.
    if (record.type === 'event') this.pending = undefined;
    switch (record.type) {
      case 'run-start':
        this.driver = record.operator;
        return;
      case 'resume':
        this.driver = record.operator;
        this.interrupted = false;
        this.view.progress('', `resumed by ${describeOperator(record.operator)}`);
        return;
      case 'handover':
        this.handover = record;
        this.view.progress('', `taken over by ${driverName(record.to)} from ${driverName(record.from)}${record.reason ? `: ${record.reason}` : ''}`);
        return;
      case 'interrupted':
        this.interrupted = true;
        this.view.progress('', record.signal === 'handover' ? `${driverName(this.driver)} handed the run over` : `${driverName(this.driver)} left the run (${record.signal}); it waits for patchwalk resume`);
        return;
      case 'event':
        this.apply(record);
        return;
      case 'exec-start':
      case 'exec-attach':
        this.openOutput(record.output, record.step);
        this.drainOutput();
        return;
      case 'exec-end':
        this.closeOutput(record.output.file);
        return;
      case 'exec-cancelled':
        this.closeOutput(record.output);
        return;
      case 'run-end':
        this.ended = true;
        return;
      case 'notify-failed':
        if (record.final) this.view.progress('', `notification "${record.event}" to ${record.target} was not sent: ${record.error}`);
        return;
      case 'approval-requested':
        this.view.progress(record.step, `waiting for approval: ${record.summary}`);
        return;
      case 'approval-granted':
      case 'approval-denied': {
        const who = record.approver.same_account ? `${record.approver.name ?? record.approver.user} (same account as the driver${record.approver.ssh_client ? `, from ${record.approver.ssh_client}` : ''})` : `${record.approver.user}${record.approver.ssh_client ? ` (from ${record.approver.ssh_client})` : ''}`;
        this.view.progress(record.step, `${record.type === 'approval-granted' ? 'approved' : 'denied'} by ${who}${record.reason ? `: ${record.reason}` : ''}`);
        return;
      }
      case 'vm-state':
        // The driver's progress lines, as its provider reported each change.
        if (record.from !== null) this.view.progress('', `${record.vm}: ${record.to}`);
        return;
      case 'effect-start':
        // As the driver's progress line says it: "shut down: web01, web02".
        this.view.progress(record.step, `${ACTION_WORDS[record.action] ?? record.action}: ${record.detail}`);
        return;
      case 'step-start':
      case 'step-end':
      case 'prompt':
      case 'answer':
      case 'notice':
      case 'lock':
      case 'torn-record':
        // Derived from the events, which the reducer already turned into state.
        return;
      default:
        this.unknown(record as unknown as Record<string, unknown>);
    }
  }

  /** A record this version does not know (a newer patchwalk's, an approval request): shown as it reads. */
  private unknown(record: Record<string, unknown>): void {
    const text = ['question', 'text', 'reason', 'detail'].map((key) => record[key]).find((value) => typeof value === 'string') as string | undefined;
    this.view.progress('', `${String(record.type)}${text ? `: ${text}` : ''}`);
    if (typeof record.question === 'string') this.pending = record.question;
  }

  private waiting(): string | undefined {
    if (this.pending) return `waiting: ${this.pending}`;
    const effect = this.state.effect;
    if (isFinished(this.state)) return undefined;
    if (effect?.type === 'approval') return `waiting for a second operator to approve: ${effect.request.summary} (patchwalk approve ${this.state.options.runId})`;
    if (effect?.type !== 'prompt') return undefined;
    if (this.interrupted) return `nobody is driving; the run waits for patchwalk resume ${this.state.options.runId} to answer: ${effect.prompt.question}`;
    return `waiting for ${driverName(this.driver)} to answer: ${effect.prompt.question}`;
  }

  private tellStanding(): void {
    const standing: WatchStanding = { driver: this.driver, waiting: this.waiting(), handover: this.handover, interrupted: this.interrupted, ended: this.ended };
    const key = JSON.stringify(standing);
    if (key === this.lastStanding) return;
    this.lastStanding = key;
    this.view.standing?.(standing);
  }
}
