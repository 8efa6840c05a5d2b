// `patchwalk report RUN [--format md|json]`: the run report, for a change ticket or a script.
import { EXIT, UsageError } from '../exit-codes.js';
import { reportData } from '../journal/report-data.js';
import { reportMarkdown } from '../journal/report-markdown.js';
import { isRunId, RunFolder } from '../journal/run-folder.js';
import { listRuns } from '../journal/run-index.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';

export function writeReport(name: string, format: string, out: NodeJS.WritableStream): number {
  if (format !== 'md' && format !== 'json') throw new UsageError(`--format ${format}: expected md or json`);
  const root = prepareStateDir(stateDir());
  const id = name === 'latest' ? listRuns(root).runs[0]?.id : name;
  if (!id) throw new UsageError(`no runs under ${root}`);
  if (!isRunId(id)) throw new UsageError(`"${name}" is not a run id (like 20260101-120000-ab12, as \`patchwalk runs\` lists them) or latest`);
  const folder = new RunFolder(root, id);
  if (!folder.exists()) throw new UsageError(`no run "${id}" under ${root}; \`patchwalk runs\` lists the runs`);
  const data = reportData(folder);
  out.write(format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : reportMarkdown(data));
  return EXIT.ok;
}
