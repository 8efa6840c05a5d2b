// What a run report says, gathered from the journal and the output files alone (no secrets are
// needed, and a report can be written for a run in any state).
import { reportSnapshots, type ReportSnapshot } from './report-snapshots.js';
import { existsSync, readFileSync } from 'node:fs';
import { tailOutput } from '../exec/output-file.js';
import { REPORT_LINE_CHARS, REPORT_TAIL_LINES } from '../limits.js';
import { mustParseDuration } from '../runbook/duration.js';
import { loadRunbookText } from '../runbook/load.js';
import { renderText } from '../runbook/template.js';
import { scanJournal, skippedNotice } from './journal-reader.js';
import type { JournalRecord, RecordOf } from './records.js';
import { ReplayError } from './replay.js';
import type { RunFolder } from './run-folder.js';
import { StandingTracker } from './run-index.js';
import { ApprovalCollector, type ReportApproval } from '../approval/report-approvals.js';
import { RollingCollector, reportSteps, type ReportRolling } from '../rolling/report-rolling.js';

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

export interface ReportHandover {
  at: number;
  from: { user: string; ssh_client: string | null; hostname: string };
  to: { user: string; ssh_client: string | null; hostname: string };
  reason: string;
  /** The previous driver was still at it (not a session that had dropped). */
  live: boolean;
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
    /** A rehearsal: simulated VMs, no command executed. */
    rehearsal: boolean;
    guided: boolean;
    interruptions: { at: number; signal: string; step: string | null }[];
    resumes: { at: number; user: string; ssh_client: string | null }[];
    /** `resume --take-over`: who took the run from whom, when, from where and why. */
    handovers: ReportHandover[];
  };
  window: { duration: string | null; used_ms: number; left_ms: number | null };
  params: { question: string; answer: string; by: string }[];
  steps: ReportStep[];
  vms: ReportVm[];
  /** Snapshots this run took, and whether they were reverted or deleted. */
  snapshots: ReportSnapshot[];
  /** Two-person approvals: asked, granted or denied, by whom, from where, why. */
  approvals: ReportApproval[];
  /** A cluster runbook: each host, and every VM's placement before, during and after. */
  rolling?: ReportRolling;
  notices: { at: number; level: string; text: string }[];
  journal: { records: number; torn_last_record: boolean; skipped_lines: number };
}

/** What the report needs from the journal, gathered in one streaming pass: never every record. */
function gather(file: string) {
  const facts = {
    start: undefined as RecordOf<'run-start'> | undefined,
    end: undefined as RecordOf<'run-end'> | undefined,
    lastAt: undefined as number | undefined,
    host: null as string | null,
    target: undefined as RecordOf<'target'> | undefined,
    answers: [] as RecordOf<'answer'>[],
    stepStarts: new Map<string, RecordOf<'step-start'>>(),
    stepEnds: new Map<string, RecordOf<'step-end'>>(),
    execEnds: new Map<string, RecordOf<'exec-end'>>(),
    vmChanges: new Map<string, { at: number; to: string }[]>(),
    notices: [] as { at: number; level: string; text: string }[],
    interruptions: [] as { at: number; signal: string; step: string | null }[],
    resumes: [] as { at: number; user: string; ssh_client: string | null }[],
    handovers: [] as ReportHandover[],
    /** What reportSnapshots reads: effect starts and snapshot results, a few records per VM. */
    snapshotRecords: [] as JournalRecord[],
    approvals: new ApprovalCollector(),
    rolling: new RollingCollector(),
  };
  const standing = new StandingTracker();
  const scan = scanJournal(file, (record) => {
    standing.add(record);
    facts.approvals.add(record);
    facts.rolling.add(record);
    facts.lastAt = record.at;
    switch (record.type) {
      case 'run-start':
        facts.start ??= record;
        break;
      case 'run-end':
        facts.end = record;
        break;
      case 'lock':
        facts.host ??= record.host;
        break;
      case 'target':
        facts.target ??= record;
        facts.host ??= record.host;
        break;
      case 'answer':
        facts.answers.push(record);
        break;
      case 'step-start':
        if (!facts.stepStarts.has(record.step)) facts.stepStarts.set(record.step, record);
        break;
      case 'step-end':
        facts.stepEnds.set(record.step, record);
        break;
      case 'exec-end':
        facts.execEnds.set(record.step, record);
        break;
      case 'vm-state': {
        const changes = facts.vmChanges.get(record.vm) ?? [];
        if (!changes.length) facts.vmChanges.set(record.vm, changes);
        changes.push({ at: record.at, to: record.to });
        break;
      }
      case 'notice':
        facts.notices.push({ at: record.at, level: record.level, text: record.text });
        break;
      case 'notify-failed':
        // Retries are the journal's detail; the report names what never got through.
        if (record.final) facts.notices.push({ at: record.at, level: 'warn', text: `the "${record.event}" notification to ${record.target} was not delivered: ${record.error}` });
        break;
      case 'interrupted':
        facts.interruptions.push({ at: record.at, signal: record.signal, step: record.step ?? null });
        break;
      case 'effect-start':
        if (record.action.startsWith('snapshot-')) facts.snapshotRecords.push(record);
        break;
      case 'event':
        if (record.event.type === 'vm-snapshot-done') facts.snapshotRecords.push(record);
        break;
      case 'handover': {
        const who = (operator: RecordOf<'handover'>['to']) => ({ user: operator.user, ssh_client: operator.ssh_client, hostname: operator.hostname });
        facts.handovers.push({ at: record.at, from: who(record.from), to: who(record.to), reason: record.reason, live: record.live });
        break;
      }
      case 'resume':
        facts.resumes.push({ at: record.at, user: record.operator.user, ssh_client: record.operator.ssh_client });
        break;
    }
  });
  return { ...facts, scan, state: standing.standing };
}

export function reportData(folder: RunFolder): ReportData {
  const facts = gather(folder.journal);
  const { start, end, host, answers, scan } = facts;
  if (!start) throw new ReplayError('the journal has no run-start record');
  const runbook = existsSync(folder.runbookCopy) ? loadRunbookText(start.runbook.path, readFileSync(folder.runbookCopy, 'utf8'), { rehearsal: Boolean(start.rehearsal) }).runbook : undefined;
  const lastAt = end?.at ?? facts.lastAt ?? start.at;
  const values = (name: string) => start.params[name] ?? (name === 'host' ? (host ?? undefined) : runbook?.params?.[name]?.default);
  const render = (text: string) => {
    try {
      return renderText(text, ([name, ...rest]) => (name !== undefined && rest.length === 0 ? values(name) : undefined));
    } catch {
      return text;
    }
  };

  const steps: ReportStep[] = (runbook ? reportSteps(runbook, start.members, facts.rolling.memberOrder) : []).map((step, index) => {
    const started = facts.stepStarts.get(step.id);
    const ended = facts.stepEnds.get(step.id);
    const exec = facts.execEnds.get(step.id);
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

  const vms: ReportVm[] = [...facts.vmChanges].map(([name, changes]) => {
    const down: ReportVm['down'] = [];
    let wasRunning = changes[0]?.to === 'running';
    for (const change of changes.slice(1)) {
      // A live migration keeps the VM running: it is no downtime.
      const running = change.to === 'running' || change.to === 'migrating';
      if (wasRunning && !running) down.push({ from: change.at, to: null });
      const open = down.at(-1);
      if (!wasRunning && running && open && open.to === null) open.to = change.at;
      wasRunning = running;
    }
    const downtime = down.reduce((sum, period) => sum + ((period.to ?? lastAt) - period.from), 0);
    return { name, before: changes[0]?.to ?? null, after: changes.at(-1)?.to ?? null, downtime_ms: downtime, down };
  });

  const skipped = skippedNotice('journal.jsonl', scan);
  const windowMs = runbook?.window ? mustParseDuration(runbook.window.duration) : null;
  const used = lastAt - start.at;
  return {
    run: {
      id: start.run,
      title: facts.target?.title ?? render(start.runbook.title),
      runbook: { path: start.runbook.path, sha256: start.runbook.sha256 },
      host,
      operator: { user: start.operator.user, ssh_client: start.operator.ssh_client, hostname: start.operator.hostname },
      started_at: start.at,
      ended_at: end?.at ?? null,
      state: facts.state,
      outcome: end?.outcome ?? null,
      dry_run: start.options.dry_run,
      rehearsal: Boolean(start.rehearsal),
      guided: Boolean(start.options.guided),
      interruptions: facts.interruptions,
      resumes: facts.resumes,
      handovers: facts.handovers,
    },
    window: { duration: runbook?.window?.duration ?? null, used_ms: used, left_ms: windowMs === null ? null : windowMs - used },
    params: answers.filter((answer) => answer.step === 'params').map(({ question, answer, by }) => ({ question, answer, by })),
    steps,
    vms,
    snapshots: reportSnapshots(facts.snapshotRecords),
    approvals: facts.approvals.approvals,
    ...(start.members ? { rolling: facts.rolling.report(start.members, Boolean(end)) } : {}),
    notices: skipped ? [...facts.notices, { at: lastAt, level: 'warn', text: skipped }] : facts.notices,
    journal: { records: scan.count, torn_last_record: Boolean(scan.torn), skipped_lines: scan.skipped.count },
  };
}
