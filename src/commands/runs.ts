// `patchwalk runs [--json]`: every run, newest first, with its state. Reads the index and only what
// each journal gained since, and keeps its imports light: it must start fast.
import { listRuns } from '../journal/run-index.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';
import { textTable } from '../plain/text-table.js';
import { EXIT } from '../exit-codes.js';

const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

export function printRuns(json: boolean, out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): number {
  const { runs, notices } = listRuns(prepareStateDir(stateDir()));
  for (const notice of notices) err.write(`patchwalk: ${notice}\n`);
  if (json) {
    out.write(`${JSON.stringify(runs, null, 2)}\n`);
    return EXIT.ok;
  }
  if (runs.length === 0) {
    out.write('No runs yet.\n');
    return EXIT.ok;
  }
  const rows = runs.map((run) => [run.id, run.dry_run ? `${run.state} (dry run)` : run.rehearsal ? `${run.state} (REHEARSAL)` : run.state, stamp(run.started_at), run.host ?? '-', run.operator, `${run.steps.done}/${run.steps.total}`, run.title]);
  for (const line of textTable(['run', 'state', 'started (UTC)', 'host', 'operator', 'steps', 'title'], rows)) out.write(`${line}\n`);
  return EXIT.ok;
}
