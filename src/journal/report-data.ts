// What a run report says, gathered from the journal and the output files alone (no secrets are
// needed, and a report can be written for a run in any state).
import { reportSnapshots, type ReportSnapshot } from './report-snapshots.js';
import { existsSync, readFileSync } from 'node:fs';
import { tailOutput } from '../exec/output-file.js';
import { REPORT_LINE_CHARS, REPORT_TAIL_LINES } from '../limits.js';
import { mustParseDuration } from '../runbook/duration.js';
import { loadRunbookText } from '../runbook/load.js';
import { renderText } from '../runbook/template.js';
import { readJournal, recordsOf } from './journal-reader.js';
import { runStart } from './replay.js';
import type { RunFolder } from './run-folder.js';
import { standingOf } from './run-index.js';

export interface ReportStep {
  index: number;
  id: string;
  title: string;
  status: string;
  started_at: number | null;
  duration_ms: number | null;
  exit_code: number | null;
  message: string | null;
  answers: { question: string; answer: string; by: string }[];
  output: { file: string; bytes: number; sha256: string; lines: number; tail: { stream: string; line: string }[] } | null;
}

export interface ReportVm {
  name: string;
  before: string | null;
  after: string | null;
  downtime_ms: number;
  down: { from: number; to: number | null }[];
}

export interface ReportData {
  run: {
    id: string;
    title: string;
    runbook: { path: string; sha256: string };
    host: string | null;
    operator: { user: string; ssh_client: string | null; hostname: string };
    started_at: number;
    ended_at: number | null;
    state: string;
    outcome: string | null;
    dry_run: boolean;
    interruptions: { at: number; signal: string; step: string | null }[];
    resumes: { at: number; user: string; ssh_client: string | null }[];
  };
  window: { duration: string | null; used_ms: number; left_ms: number | null };
  params: { question: string; answer: string; by: string }[];
  steps: ReportStep[];
  vms: ReportVm[];
  /** Snapshots this run took, and whether they were reverted or deleted. */
  snapshots: ReportSnapshot[];
  notices: { at: number; level: string; text: string }[];
  journal: { records: number; torn_last_record: boolean };
}

export function reportData(folder: RunFolder): ReportData {
  const read = readJournal(folder.journal);
  const records = read.records;
  const start = runStart(records);
  const end = recordsOf(records, 'run-end').at(-1);
  const runbook = existsSync(folder.runbookCopy) ? loadRunbookText(start.runbook.path, readFileSync(folder.runbookCopy, 'utf8')).runbook : undefined;
  const answers = recordsOf(records, 'answer');
  const lastAt = end?.at ?? records.at(-1)?.at ?? start.at;
  const host = recordsOf(records, 'lock')[0]?.host ?? null;
  const values = (name: string) => start.params[name] ?? (name === 'host' ? (host ?? undefined) : runbook?.params?.[name]?.default);
  const render = (text: string) => {
    try {
      return renderText(text, (path) => (path.length === 1 ? values(path[0]) : undefined));
    } catch {
      return text;
    }
  };

  const stepEnds = recordsOf(records, 'step-end');
  const stepStarts = recordsOf(records, 'step-start');
  const execEnds = recordsOf(records, 'exec-end');
  const steps: ReportStep[] = (runbook?.steps ?? []).map((step, index) => {
    const started = stepStarts.find((record) => record.step === step.id);
    const ended = stepEnds.filter((record) => record.step === step.id).at(-1);
    const exec = execEnds.filter((record) => record.step === step.id).at(-1);
    const status = ended?.status ?? (started ? (end ? 'failed' : 'interrupted') : 'pending');
    return {
      index: index + 1,
      id: step.id,
      title: started?.title ?? render(step.title),
      status,
      started_at: started?.at ?? null,
      duration_ms: ended?.duration_ms ?? (started && !ended ? lastAt - started.at : null),
      exit_code: ended?.exit_code ?? exec?.exit_code ?? null,
      message: ended?.message ?? null,
      answers: answers.filter((answer) => answer.step === step.id).map(({ question, answer, by }) => ({ question, answer, by })),
      output: exec
        ? {
            ...exec.output,
            tail: tailOutput(folder.resolve(exec.output.file), REPORT_TAIL_LINES).map(({ stream, line }) => ({
              stream,
              line: line.length > REPORT_LINE_CHARS ? `${line.slice(0, REPORT_LINE_CHARS)}…` : line,
            })),
          }
        : null,
    };
  });

  const vmStates = recordsOf(records, 'vm-state');
  const names = [...new Set(vmStates.map((record) => record.vm))];
  const vms: ReportVm[] = names.map((name) => {
    const changes = vmStates.filter((record) => record.vm === name);
    const down: ReportVm['down'] = [];
    let wasRunning = changes[0]?.to === 'running';
    for (const change of changes.slice(1)) {
      const running = change.to === 'running';
      if (wasRunning && !running) down.push({ from: change.at, to: null });
      if (!wasRunning && running && down.length && down[down.length - 1].to === null) down[down.length - 1].to = change.at;
      wasRunning = running;
    }
    const downtime = down.reduce((sum, period) => sum + ((period.to ?? lastAt) - period.from), 0);
    return { name, before: changes[0]?.to ?? null, after: changes.at(-1)?.to ?? null, downtime_ms: downtime, down };
  });

  const windowMs = runbook?.window ? mustParseDuration(runbook.window.duration) : null;
  const used = lastAt - start.at;
  return {
    run: {
      id: start.run,
      title: render(start.runbook.title),
      runbook: { path: start.runbook.path, sha256: start.runbook.sha256 },
      host,
      operator: { user: start.operator.user, ssh_client: start.operator.ssh_client, hostname: start.operator.hostname },
      started_at: start.at,
      ended_at: end?.at ?? null,
      state: standingOf(records),
      outcome: end?.outcome ?? null,
      dry_run: start.options.dry_run,
      interruptions: recordsOf(records, 'interrupted').map((record) => ({ at: record.at, signal: record.signal, step: record.step ?? null })),
      resumes: recordsOf(records, 'resume').map((record) => ({ at: record.at, user: record.operator.user, ssh_client: record.operator.ssh_client })),
    },
    window: { duration: runbook?.window?.duration ?? null, used_ms: used, left_ms: windowMs === null ? null : windowMs - used },
    params: answers.filter((answer) => answer.step === 'params').map(({ question, answer, by }) => ({ question, answer, by })),
    steps,
    vms,
    snapshots: reportSnapshots(records),
    notices: recordsOf(records, 'notice').map(({ at, level, text }) => ({ at, level, text })),
    journal: { records: records.length, torn_last_record: Boolean(read.torn) },
  };
}
