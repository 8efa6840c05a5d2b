// Step durations of past real runs, one small file per runbook: STATE/history/<sha256 of the
// runbook's real path>.json, private and written whole (write-then-rename). It keeps the last
// HISTORY_RUNS_KEPT runs, so reading it costs the same after 1,000 runs as after 5.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { HISTORY_FILE_MAX_BYTES, HISTORY_RUNS_KEPT, HISTORY_STEPS_MAX } from '../limits.js';
import { checkStateFolder } from '../journal/state-dir.js';
import { makeDir, writeFileDurably } from '../journal/state-io.js';
import type { RunState } from '../engine/types.js';

export const HISTORY_VERSION = 1;

const PastRun = z.object({
  run: z.string(),
  /** When the run ended (ms since the epoch). */
  at: z.number(),
  /** Each step that ended done, by id: how long it took in ms. */
  steps: z.record(z.string(), z.number().nonnegative()),
});
const HistoryFile = z.object({ v: z.literal(HISTORY_VERSION), runbook: z.string(), runs: z.array(PastRun) });

export type PastRun = z.infer<typeof PastRun>;
export type History = z.infer<typeof HistoryFile>;

/** The runbook's path as history keys it: the real path, so a symlink or `./` finds the same runs. */
export function runbookKey(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export const historyDir = (root: string) => join(root, 'history');

export function historyFile(root: string, runbookPath: string): string {
  return join(historyDir(root), `${createHash('sha256').update(runbookKey(runbookPath)).digest('hex')}.json`);
}

/** The runbook's past runs, oldest first; none when there is no file or it cannot be trusted. */
export function readHistory(root: string, runbookPath: string): History {
  const key = runbookKey(runbookPath);
  const empty: History = { v: HISTORY_VERSION, runbook: key, runs: [] };
  if (checkStateFolder(historyDir(root))) return empty;
  const file = historyFile(root, runbookPath);
  try {
    if (statSync(file).size > HISTORY_FILE_MAX_BYTES) return empty;
    const parsed = HistoryFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success && parsed.data.runbook === key ? parsed.data : empty;
  } catch {
    return empty;
  }
}

/** The durations of the steps a run finished, or undefined when the run is not one to learn from. */
export function pastRunOf(state: RunState, { rehearsal = false } = {}): PastRun | undefined {
  // Dry runs and rehearsals take no real time; an unfinished run is recorded when it ends.
  if (state.options.dryRun || rehearsal || state.endedAt === undefined) return undefined;
  const steps: Record<string, number> = {};
  for (const step of state.steps.slice(0, HISTORY_STEPS_MAX)) {
    if (step.status === 'done' && step.startedAt !== undefined && step.endedAt !== undefined) steps[step.id] = Math.max(0, step.endedAt - step.startedAt);
  }
  if (Object.keys(steps).length === 0) return undefined;
  return { run: state.options.runId, at: state.endedAt, steps };
}

/**
 * Records a run that has ended. History serves the ETA, so failing to write it must not change how
 * the run ended: the problem is said on stderr and the run's exit code stands.
 */
export function recordPastRun(root: string, runbookPath: string, state: RunState, options: { rehearsal?: boolean } = {}): void {
  const past = pastRunOf(state, { rehearsal: Boolean(options.rehearsal) });
  if (!past) return;
  try {
    recordRun(root, runbookPath, past);
  } catch (error) {
    process.stderr.write(`patchwalk: the step durations of this run were not added to its history: ${(error as Error).message}\n`);
  }
}

/** Adds a run (replacing an earlier entry of the same run, as after a resume) and keeps the newest. */
export function recordRun(root: string, runbookPath: string, run: PastRun): void {
  const history = readHistory(root, runbookPath);
  const runs = [...history.runs.filter((past) => past.run !== run.run), run].slice(-HISTORY_RUNS_KEPT);
  makeDir(historyDir(root));
  writeFileDurably(historyFile(root, runbookPath), `${JSON.stringify({ ...history, runs })}\n`);
}
