// `patchwalk lint PATH…`: every problem in every runbook, for editors and CI.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UsageError } from '../exit-codes.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem, type Problem } from '../runbook/problem.js';

const RUNBOOK_FILE = /\.ya?ml$/i;

/**
 * Every runbook under the paths, each real file once, in a stable order. Each folder is entered
 * once by its real path, so a link back to a parent (`x.yaml -> .`) is a dead end rather than a
 * loop, and two such links cannot make the walk grow exponentially.
 */
async function runbookFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const visit = async (path: string, named: boolean): Promise<void> => {
    let real: string;
    let info;
    try {
      real = await realpath(path);
      info = await stat(real);
    } catch {
      // Loading it reports "no such file" (or the link loop) at the right place. Inside a folder,
      // a dangling link named like a runbook is reported too.
      if (named || RUNBOOK_FILE.test(path)) files.push(path);
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (!info.isDirectory()) {
      files.push(path); // FIFOs and devices too: loading refuses them with a clear message.
      return;
    }
    const entries = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .filter((entry) => entry.isDirectory() || RUNBOOK_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const name of entries) await visit(join(path, name), false);
  };
  const all: string[] = [];
  for (const path of paths) {
    await visit(path, true);
    all.push(...files.splice(0).sort());
  }
  return all;
}

export async function lintPaths(paths: string[], format: string, out: NodeJS.WritableStream): Promise<number> {
  if (paths.length === 0) throw new UsageError('lint needs at least one runbook file or folder');
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: expected text or json`);
  const files = await runbookFiles(paths);
  if (files.length === 0) throw new UsageError(`no runbooks (*.yaml, *.yml) found in ${paths.join(', ')}`);
  const results: { file: string; problems: Problem[]; hints: Problem[] }[] = [];
  for (const file of files) {
    const { problems, hints = [] } = await loadRunbookFile(file);
    results.push({ file, problems, hints });
  }
  const total = results.reduce((sum, result) => sum + result.problems.length, 0);
  if (format === 'json') {
    const hints = results.flatMap((result) => result.hints);
    out.write(`${JSON.stringify({ ok: total === 0, files: results.length, problems: results.flatMap((result) => result.problems), hints }, null, 2)}\n`);
  } else {
    for (const result of results) for (const problem of result.problems) out.write(`${formatProblem(problem)}\n`);
    // Hints are advice: printed, never failing the lint.
    for (const result of results) for (const hint of result.hints) out.write(`${formatProblem({ ...hint, message: `hint: ${hint.message}` })}\n`);
    const bad = results.filter((result) => result.problems.length > 0).length;
    out.write(total === 0 ? `${files.length} runbook(s) OK\n` : `${total} problem(s) in ${bad} of ${files.length} runbook(s)\n`);
  }
  return total === 0 ? EXIT.ok : EXIT.usage;
}
