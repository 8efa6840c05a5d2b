// `patchwalk history RUNBOOK [--json]`: what past real runs of a runbook took, step by step: the
// figures behind the ETA and the go/no-go questions.
import { existsSync } from 'node:fs';
import { EXIT, UsageError } from '../exit-codes.js';
import { readHistory, runbookKey } from '../history/history-store.js';
import { stepFigures } from '../history/step-figures.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';
import { textTable } from '../plain/text-table.js';
import { formatDuration } from '../runbook/duration.js';
import { loadRunbookFile } from '../runbook/load.js';
import { printable } from '../display/printable.js';

export interface StepHistory {
  id: string;
  title: string | null;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
}

export async function printHistory(file: string, json: boolean, out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (!existsSync(file)) throw new UsageError(`${file}: no such runbook file`);
  const history = readHistory(prepareStateDir(stateDir()), file);
  // Titles come from the runbook as it is now; a step that is gone from it keeps its figures.
  const loaded = await loadRunbookFile(file);
  const steps = loaded.runbook?.steps ?? [];
  if (!loaded.runbook) err.write(`patchwalk: ${file} does not load as it is now (${loaded.problems.length} problem(s); \`patchwalk lint ${file}\` lists them): the steps are shown without titles\n`);
  const figures = stepFigures(history);
  const order = [...steps.map((step) => step.id), ...[...figures.keys()].filter((id) => !steps.some((step) => step.id === id))];
  const rows: StepHistory[] = order.flatMap((id) => {
    const figure = figures.get(id);
    return figure ? [{ id, title: steps.find((step) => step.id === id)?.title ?? null, ...figure }] : [];
  });
  if (json) {
    out.write(`${JSON.stringify({ runbook: runbookKey(file), runs: history.runs.length, steps: rows }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (history.runs.length === 0) {
    out.write(`No recorded runs of ${runbookKey(file)} yet: step durations are kept for every real run (not dry runs or rehearsals).\n`);
    return EXIT.ok;
  }
  out.write(`${runbookKey(file)}: ${history.runs.length} recorded run${history.runs.length === 1 ? '' : 's'}\n`);
  const table = rows.map((row) => [row.id, formatDuration(row.median_ms), formatDuration(row.min_ms), formatDuration(row.max_ms), String(row.runs), row.title === null ? (loaded.runbook ? '(no longer in the runbook)' : '') : printable(row.title)]);
  for (const line of textTable(['step', 'median', 'min', 'max', 'runs', 'title'], table)) out.write(`${line}\n`);
  return EXIT.ok;
}
