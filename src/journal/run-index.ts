// The index of runs (index.json in the state dir) and each run's standing, read from its journal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.js';
import { RUNS_LIST_LIMIT } from '../limits.js';
import { readJournal, recordsOf } from './journal-reader.js';
import { pidAlive } from '../exec/pid-alive.js';
import { hostname } from 'node:os';
import { RunFolder, runIds } from './run-folder.js';
import { renderText } from '../runbook/template.js';
import type { JournalRecord } from './records.js';

export interface IndexEntry {
  id: string;
  title: string;
  runbook: string;
  host: string | null;
  started_at: number;
  operator: string;
  steps_total: number;
  /** Cached end of the run; the journal is the truth. */
  phase?: string;
}

interface IndexStore {
  runs: Record<string, IndexEntry>;
}

export type RunStanding = 'running' | 'interrupted' | 'done' | 'failed' | 'aborted';

export interface RunSummary extends Omit<IndexEntry, 'steps_total' | 'phase'> {
  state: RunStanding;
  dry_run: boolean;
  dir: string;
  ended_at: number | null;
  outcome: string | null;
  steps: { total: number; done: number };
}

// Read and written directly (the file conf kept, same format): loading conf cost `runs` ~60 ms.
const indexFile = (root: string) => join(root, 'index.json');

/** Throws on a damaged index; a missing one is empty. */
function readIndex(root: string): Record<string, IndexEntry> {
  let text: string;
  try {
    text = readFileSync(indexFile(root), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return (JSON.parse(text) as IndexStore).runs ?? {};
}

function writeIndex(root: string, runs: Record<string, IndexEntry>): void {
  writeFileDurably(indexFile(root), `${JSON.stringify({ runs } satisfies IndexStore, null, '\t')}\n`);
}

function readIndexOrEmpty(root: string): Record<string, IndexEntry> {
  try {
    return readIndex(root);
  } catch {
    return {}; // A damaged index is rebuilt from the folders.
  }
}

export function indexRun(root: string, entry: IndexEntry): void {
  writeIndex(root, { ...readIndexOrEmpty(root), [entry.id]: entry });
}

export function markRunEnded(root: string, id: string, phase: string): void {
  const runs = readIndexOrEmpty(root);
  if (runs[id]) writeIndex(root, { ...runs, [id]: { ...runs[id], phase } });
}

/** Once the params are known: the title with its templates filled in, and the host. */
export function noteRunTarget(root: string, id: string, target: { title: string; host: string }): void {
  const runs = readIndexOrEmpty(root);
  if (runs[id]) writeIndex(root, { ...runs, [id]: { ...runs[id], ...target } });
}

/** A run the operator declined before it did anything is not kept (its folder goes too). */
export function unindexRun(root: string, id: string): void {
  const { [id]: _gone, ...runs } = readIndexOrEmpty(root);
  writeIndex(root, runs);
}

/** Running when the last process that drove it is alive on this machine; interrupted otherwise. */
export function standingOf(records: JournalRecord[]): RunStanding {
  const end = recordsOf(records, 'run-end').at(-1);
  if (end) return end.phase as RunStanding;
  const drivers = records.flatMap((record) => (record.type === 'run-start' || record.type === 'resume' ? [record.operator] : []));
  const last = drivers.at(-1);
  const interrupted = records.at(-1)?.type === 'interrupted';
  if (last && !interrupted && last.hostname === hostname() && pidAlive(last.pid)) return 'running';
  return 'interrupted';
}

function titleOf(template: string, params: Record<string, string>, host: string | undefined): string {
  try {
    return renderText(template, (path) => (path.length === 1 ? (params[path[0]] ?? (path[0] === 'host' ? host : undefined)) : undefined));
  } catch {
    return template;
  }
}

export function summarize(root: string, id: string, entry?: IndexEntry): RunSummary | undefined {
  const folder = new RunFolder(root, id);
  let records: JournalRecord[];
  try {
    records = readJournal(folder.journal).records;
  } catch {
    return undefined;
  }
  const start = recordsOf(records, 'run-start')[0];
  if (!start) return undefined;
  const end = recordsOf(records, 'run-end').at(-1);
  const stepIds = new Set(recordsOf(records, 'step-start').map((record) => record.step));
  const done = new Set(recordsOf(records, 'step-end').filter((record) => record.status !== 'failed').map((record) => record.step));
  const lock = recordsOf(records, 'lock')[0];
  return {
    id,
    title: titleOf(entry?.title ?? start.runbook.title, start.params, lock?.host),
    runbook: start.runbook.path,
    host: entry?.host ?? lock?.host ?? null,
    started_at: start.at,
    operator: start.operator.user,
    state: standingOf(records),
    dry_run: start.options.dry_run,
    dir: folder.dir,
    ended_at: end?.at ?? null,
    outcome: end?.outcome ?? null,
    steps: { total: entry?.steps_total ?? stepIds.size, done: done.size },
  };
}

/** Every run, newest first: the index's entries and any run folder the index missed. */
export function listRuns(root: string): RunSummary[] {
  const entries = readIndexOrEmpty(root);
  const ids = new Set([...Object.keys(entries), ...runIds(root)]);
  return [...ids]
    .map((id) => summarize(root, id, entries[id]))
    .filter((run): run is RunSummary => run !== undefined)
    .sort((a, b) => b.started_at - a.started_at || b.id.localeCompare(a.id))
    .slice(0, RUNS_LIST_LIMIT);
}
