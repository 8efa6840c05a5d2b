// `patchwalk lint PATH…`: every problem in every runbook, for editors and CI.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UsageError } from '../exit-codes.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem, type Problem } from '../runbook/problem.js';

const RUNBOOK_FILE = /\.ya?ml$/i;

async function runbookFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return [path]; // Loading it reports "no such file" at the right place.
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .filter((entry) => entry.isDirectory() || RUNBOOK_FILE.test(entry.name))
      .map((entry) => runbookFiles(join(path, entry.name))),
  );
  return nested.flat().sort();
}

export async function lintPaths(paths: string[], format: string, out: NodeJS.WritableStream): Promise<number> {
  if (paths.length === 0) throw new UsageError('lint needs at least one runbook file or folder');
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: expected text or json`);
  const files = [...new Set((await Promise.all(paths.map(runbookFiles))).flat())];
  if (files.length === 0) throw new UsageError(`no runbooks (*.yaml, *.yml) found in ${paths.join(', ')}`);
  const results: { file: string; problems: Problem[] }[] = [];
  for (const file of files) {
    const { problems } = await loadRunbookFile(file);
    results.push({ file, problems });
  }
  const total = results.reduce((sum, result) => sum + result.problems.length, 0);
  if (format === 'json') {
    out.write(`${JSON.stringify({ ok: total === 0, files: results.length, problems: results.flatMap((result) => result.problems) }, null, 2)}\n`);
  } else {
    for (const result of results) for (const problem of result.problems) out.write(`${formatProblem(problem)}\n`);
    const bad = results.filter((result) => result.problems.length > 0).length;
    out.write(total === 0 ? `${files.length} runbook(s) OK\n` : `${total} problem(s) in ${bad} of ${files.length} runbook(s)\n`);
  }
  return total === 0 ? EXIT.ok : EXIT.usage;
}
