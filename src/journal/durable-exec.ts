// Step commands with a record: each start is journaled (write-ahead) before its supervisor is
// spawned, each end with the output file's size and hash. On resume, a command recorded as started
// is re-attached to, picked up from its status file, or found lost.
import { claimNotStarted, readPids, runDetached, standing, type DetachedFiles } from '../exec/detached.js';
import { summarizeOutput } from '../exec/output-file.js';
import type { ExecRequest, ExecResult } from '../exec/exec-request.js';
import type { JournalWriter } from './journal-writer.js';
import type { JournalRecord, RecordOf } from './records.js';
import type { RunFolder } from './run-folder.js';
import { SECRET_MASK, type Secrets } from './secrets.js';

export type OpenCommand = 'attach' | 'fresh' | 'lost';

export class DurableExec {
  private readonly starts = new Map<number, RecordOf<'exec-start'>[]>();
  private readonly cancelled = new Set<string>();
  /** The command being followed, for the interruption record. */
  current: { stepId: string; files: DetachedFiles } | undefined;

  constructor(
    private readonly folder: RunFolder,
    private readonly journal: JournalWriter,
    private readonly secrets: Secrets,
    records: JournalRecord[] = [],
  ) {
    for (const record of records) {
      if (record.type === 'exec-start') this.starts.set(record.effect, [...(this.starts.get(record.effect) ?? []), record]);
      if (record.type === 'exec-cancelled') this.cancelled.add(`${record.effect}:${record.output}`);
    }
  }

  private filesOf(start: RecordOf<'exec-start'>): DetachedFiles {
    return { outFile: this.folder.resolve(start.output), statusFile: this.folder.resolve(start.status_file), pidFile: this.folder.resolve(start.pid_file) };
  }

  private lastStart(effectId: number): RecordOf<'exec-start'> | undefined {
    const start = this.starts.get(effectId)?.at(-1);
    return start && !this.cancelled.has(`${effectId}:${start.output}`) ? start : undefined;
  }

  /** On resume: where the command of the open effect stands. */
  async settle(effectId: number): Promise<OpenCommand> {
    const start = this.lastStart(effectId);
    if (!start) return 'fresh';
    const files = this.filesOf(start);
    let where = standing(files);
    if (where === 'not-started') {
      if (await claimNotStarted(files)) {
        this.cancelled.add(`${effectId}:${start.output}`);
        this.journal.append({ type: 'exec-cancelled', at: Date.now(), step: start.step, effect: effectId, output: start.output, reason: 'recorded as starting, but its supervisor never started it' });
        return 'fresh';
      }
      where = standing(files);
    }
    return where === 'finished' || where === 'running' ? 'attach' : 'lost';
  }

  pidOf(files: DetachedFiles): number | undefined {
    return readPids(files)?.command;
  }

  exec = async (request: ExecRequest): Promise<ExecResult> => {
    const effectId = request.effectId ?? 0;
    const stepId = request.stepId ?? 'step';
    const previous = this.lastStart(effectId);
    let files: DetachedFiles;
    let attach = false;
    if (previous && ['finished', 'running'].includes(standing(this.filesOf(previous)))) {
      files = this.filesOf(previous);
      attach = true;
      this.journal.append({ type: 'exec-attach', at: Date.now(), step: stepId, effect: effectId, output: previous.output });
    } else {
      files = this.folder.commandFiles(effectId, stepId, (this.starts.get(effectId)?.length ?? 0) + 1);
      const start: RecordOf<'exec-start'> = {
        type: 'exec-start',
        at: Date.now(),
        step: stepId,
        effect: effectId,
        command: this.secrets.mask(request.command && 'shell' in request.command ? request.command.shell : request.command.argv.join(' ')),
        output: this.folder.relative(files.outFile),
        status_file: this.folder.relative(files.statusFile),
        pid_file: this.folder.relative(files.pidFile),
      };
      this.journal.append(start);
      this.starts.set(effectId, [...(this.starts.get(effectId) ?? []), start]);
    }
    this.current = { stepId, files };
    try {
      const result = await runDetached({ ...request, files, attach, secrets: this.secrets.values(), mask: SECRET_MASK });
      this.journal.append({
        type: 'exec-end',
        at: Date.now(),
        step: stepId,
        effect: effectId,
        exit_code: result.exitCode,
        timed_out: result.timedOut,
        aborted: result.aborted,
        error: result.error,
        duration_ms: result.durationMs,
        output: { file: this.folder.relative(files.outFile), ...(await summarizeOutput(files.outFile)) },
      });
      return result;
    } finally {
      this.current = undefined;
    }
  };
}
