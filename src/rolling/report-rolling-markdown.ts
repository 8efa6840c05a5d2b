// The report's rolling in Markdown: a section per host, then every VM's placement and downtime.
import type { ReportData } from '../journal/report-data.js';

type Table = (headers: string[], rows: (string | number | null)[][]) => string[];

export function rollingMarkdown(data: ReportData, table: Table, when: (ms: number | null) => string, took: (ms: number | null) => string): string[] {
  const rolling = data.rolling;
  if (!rolling) return [];
  const out: string[] = [`## Rolling of ${rolling.cluster}`, ''];
  out.push(
    ...table(
      ['Host', 'Outcome', 'Started', 'Took', 'Moved away', 'Moved back'],
      rolling.hosts.map((host) => [
        host.name,
        host.outcome,
        when(host.started_at),
        host.started_at !== null && host.ended_at !== null ? took(host.ended_at - host.started_at) : '–',
        host.moved_away.length,
        host.moved_back.length,
      ]),
    ),
    '',
  );
  for (const host of rolling.hosts) {
    out.push(`### Host ${host.name}: ${host.outcome}`, '');
    if (host.plan.length) out.push(...table(['VM', 'Planned to', 'Why'], host.plan.map((move) => [move.vm, move.to, move.why])), '');
    if (host.cannot_move.length) out.push(`Could not move: ${host.cannot_move.join(', ')}`, '');
    if (!host.plan.length && !host.cannot_move.length) out.push('No VMs to move.', '');
  }
  const downtime = new Map(data.vms.map((vm) => [vm.name, vm.downtime_ms]));
  out.push('## VM placement and downtime', '');
  out.push(
    ...table(
      ['VM', 'Before', 'During', 'After', 'Home', 'Downtime'],
      rolling.placement.map((vm) => [vm.vm, vm.before, vm.during.join(', ') || '–', vm.after, vm.after === vm.before ? 'yes' : '**NO**', (downtime.get(vm.vm) ?? 0) > 0 ? took(downtime.get(vm.vm) ?? 0) : 'none']),
    ),
    '',
  );
  return out;
}
