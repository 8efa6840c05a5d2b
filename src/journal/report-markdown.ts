// The run report as Markdown that reads well pasted into a change ticket.
import { formatDuration } from '../runbook/duration.js';
import type { ReportData } from './report-data.js';
import { rollingMarkdown } from '../rolling/report-rolling-markdown.js';

const cell = (text: string | number | null | undefined) => String(text ?? '–').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const when = (ms: number | null) => (ms === null ? '–' : `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
const took = (ms: number | null) => (ms === null ? '–' : formatDuration(ms));

function table(headers: string[], rows: (string | number | null)[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

export function reportMarkdown(data: ReportData): string {
  const { run, window } = data;
  const out: string[] = [];
  const operator = `${run.operator.user}${run.operator.ssh_client ? ` from ${run.operator.ssh_client}` : ''} (on ${run.operator.hostname})`;
  const outcome = `**${run.state}**${run.outcome ? `: ${run.outcome}` : ''}`;
  const windowText = window.duration
    ? `${window.duration}; used ${took(window.used_ms)}${window.left_ms !== null && window.left_ms < 0 ? `, **over by ${took(-window.left_ms)}**` : `, ${took(window.left_ms)} left`}`
    : `none set; took ${took(window.used_ms)}`;
  out.push(`# Run report${run.rehearsal ? ' (REHEARSAL)' : ''}: ${run.title}`, '');
  if (run.rehearsal) out.push('**REHEARSAL**: simulated VMs; no command was executed and nothing changed on the host.', '');
  out.push(
    ...table(
      ['', ''],
      [
        ['Run', `\`${run.id}\`${run.dry_run ? ' (dry run)' : ''}${run.rehearsal ? ' (REHEARSAL)' : ''}${run.guided ? ' (guided)' : ''}`],
        ['Host', run.host],
        ['Operator', operator],
        ['Runbook', `\`${run.runbook.path}\` (sha256 \`${run.runbook.sha256.slice(0, 12)}\`)`],
        ['Started', when(run.started_at)],
        ['Ended', when(run.ended_at)],
        ['Outcome', outcome],
        ['Window', windowText],
        ['Interruptions', run.interruptions.length ? run.interruptions.map((i) => `${i.signal} at ${when(i.at)}${i.step ? ` (step ${i.step})` : ''}`).join('; ') : 'none'],
        ['Resumed', run.resumes.length ? run.resumes.map((r) => `${when(r.at)} by ${r.user}${r.ssh_client ? ` from ${r.ssh_client}` : ''}`).join('; ') : 'no'],
        ['Handed over', run.handovers?.length ? run.handovers.map((h) => `${when(h.at)} from ${h.from.user} to ${h.to.user}${h.to.ssh_client ? ` (from ${h.to.ssh_client})` : ''}${h.live ? '' : ' (the previous session was gone)'}${h.reason ? `: ${h.reason}` : ''}`).join('; ') : 'no'],
      ],
    ),
    '',
  );

  out.push('## Steps', '');
  out.push(...table(['#', 'Step', 'Status', 'Duration', 'Exit', 'Notes'], data.steps.map((s) => [s.index, `${s.title} (\`${s.id}\`)`, s.status, took(s.duration_ms), s.exit_code, s.message])), '');

  const answers = [...data.params.map((a) => ({ step: 'params', ...a })), ...data.steps.flatMap((s) => s.answers.map((a) => ({ step: s.id, ...a })))];
  if (answers.length) {
    out.push(run.guided ? '## Decisions (every answer the trainee gave)' : '## Decisions', '');
    out.push(...table(['Step', 'Question', 'Answer', 'By'], answers.map((a) => [a.step, a.question, a.answer, a.by])), '');
  }

  if (data.vms.length) {
    out.push('## VM downtime', '');
    out.push(...table(['VM', 'Downtime', 'Down from', 'Back at'], data.vms.filter((vm) => vm.before === 'running').map((vm) => [vm.name, took(vm.downtime_ms), when(vm.down[0]?.from ?? null), vm.down.length ? (vm.down.at(-1)?.to ? when(vm.down.at(-1)?.to ?? null) : 'not back') : '–'])), '');
    out.push('## VMs before and after', '');
    out.push(...table(['VM', 'Before', 'After', 'Check'], data.vms.map((vm) => [vm.name, vm.before, vm.after, vm.before === vm.after ? 'ok' : '**NOT BACK**'])), '');
  }

  if (data.rolling) out.push(...rollingMarkdown(data, table, when, took));

  if (data.snapshots.length) {
    out.push('## Snapshots this run took', '');
    const fate = (snapshot: (typeof data.snapshots)[number]) =>
      snapshot.state === 'deleted' ? 'deleted' : snapshot.problem ? `**left: ${snapshot.problem}**` : snapshot.state === 'reverted' ? '**reverted to, still there**' : '**still there**';
    out.push(...table(['VM', 'Snapshot', 'Taken', 'Now'], data.snapshots.map((snapshot) => [snapshot.vm, snapshot.name, when(snapshot.taken_at), fate(snapshot)])), '');
  }

  if (data.approvals.length) {
    out.push('## Two-person approvals', '');
    const decision = (a: (typeof data.approvals)[number]) => (a.same_account && a.decision !== 'pending' ? `**${a.decision}, same account**` : a.decision);
    out.push(...table(['Step', 'What', 'Asked', 'Decision', 'By', 'When', 'Why'], data.approvals.map((a) => [a.step, a.what, `${when(a.requested_at)} by ${a.requested_by}`, decision(a), a.by, when(a.decided_at), a.reason])), '');
  }

  const warnings = data.notices.filter((notice) => notice.level === 'warn');
  if (warnings.length) {
    out.push('## Warnings', '', ...warnings.map((notice) => `- ${when(notice.at)}: ${notice.text}`), '');
  }

  const withOutput = data.steps.filter((s) => s.output);
  if (withOutput.length) {
    out.push('## Output', '');
    for (const s of withOutput) {
      const o = s.output!;
      out.push(`### ${s.index}. ${s.title}`, '');
      out.push(`exit ${s.exit_code ?? '–'} · ${o.lines} lines · ${o.bytes} bytes · sha256 \`${o.sha256.slice(0, 12)}\` · \`${o.file}\`${o.lines > o.tail.length ? ` · last ${o.tail.length} lines` : ''}`, '');
      out.push('```text', ...o.tail.map((line) => (line.stream === 'stderr' ? `! ${line.line}` : line.line).replace(/```/g, "'''")), '```', '');
    }
  }
  out.push(`_Journal: ${data.journal.records} records${data.journal.torn_last_record ? '; its last record was cut off and is ignored' : ''}${data.journal.skipped_lines ? `; ${data.journal.skipped_lines} damaged line(s) skipped` : ''}._`, '');
  return out.join('\n');
}
