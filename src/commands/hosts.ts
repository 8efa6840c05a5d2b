// `patchwalk hosts FILE`: the members of a cluster runbook with their resolved connection settings,
// so the operator sees which hosts a rolling will take, and how it reaches each, before it starts.
import { dirname } from 'node:path';
import { clusterName, MembersError, membersSource, resolveMembers, type Member } from '../cluster/members.js';
import { printable } from '../display/printable.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { textTable } from '../plain/text-table.js';
import { parseSetFlags } from '../run/params.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';

const COLUMNS: { header: string; value: (member: Member) => string | undefined }[] = [
  { header: 'NAME', value: (member) => member.name },
  { header: 'SSH', value: (member) => member.ssh },
  { header: 'PORT', value: (member) => (member.port === undefined ? undefined : String(member.port)) },
  { header: 'URI', value: (member) => member.uri },
  { header: 'HOST', value: (member) => member.host },
  { header: 'NODE', value: (member) => member.node },
  { header: 'GROUP', value: (member) => member.group },
];

export async function listHosts(file: string, flags: { set: string[]; json: boolean }, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const loaded = await loadRunbookFile(file);
  if (!loaded.runbook) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`);
    return EXIT.usage;
  }
  const runbook = loaded.runbook;
  if (!runbook.cluster) throw new UsageError(`${file} is not a cluster runbook: it has steps and no cluster:, so it runs on one host`);
  const given = parseSetFlags(flags.set, runbook, file);
  for (const [name, param] of Object.entries(runbook.params ?? {})) {
    if (!(name in given) && param.default === undefined) throw new UsageError(`param "${name}" has no default; pass --set ${name}=VALUE`);
  }
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, param] of Object.entries(runbook.params ?? {})) if (param.default !== undefined) params[name] = param.default;
  Object.assign(params, given);
  let members: Member[];
  try {
    members = await resolveMembers(runbook, { baseDir: dirname(file), params });
  } catch (error) {
    if (error instanceof MembersError) {
      err.write(`patchwalk: ${file}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (flags.json) {
    out.write(`${JSON.stringify(members.map((member) => ({ ...member, vars: { ...member.vars } })), null, 2)}\n`);
    return EXIT.ok;
  }
  // Only the settings some member has: a libvirt cluster has no NODE column.
  const shown = COLUMNS.filter((column) => members.some((member) => column.value(member) !== undefined));
  const rows = members.map((member) => shown.map((column) => printable(column.value(member) ?? '-')));
  for (const line of textTable(shown.map((column) => column.header), rows)) out.write(`${line}\n`);
  out.write(`${members.length} member(s) of ${printable(clusterName(runbook.cluster, params))}, ${printable(membersSource(runbook.cluster, params))}\n`);
  return EXIT.ok;
}
