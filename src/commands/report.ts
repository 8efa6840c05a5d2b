// `patchwalk report RUN [--format md|json]`: the run report, for a change ticket or a script.
import { EXIT, UsageError } from '../exit-codes.js';
import { reportData } from '../journal/report-data.js';
import { reportMarkdown } from '../journal/report-markdown.js';
import { RunFolder } from '../journal/run-folder.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';
import { resolveRunName } from './interrupted-runs.js';

export function writeReport(name: string, format: string, out: NodeJS.WritableStream): number {
  if (format !== 'md' && format !== 'json') throw new UsageError(`--format ${format}: expected md or json`);
  const root = prepareStateDir(stateDir());
  const id = resolveRunName(root, name);
  const folder = new RunFolder(root, id);
  if (!folder.exists()) throw new UsageError(`no run "${id}" under ${root}; \`patchwalk runs\` lists the runs`);
  const data = reportData(folder);
  out.write(format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : reportMarkdown(data));
  return EXIT.ok;
}
