// The index of runs (index.json in the state dir) and each run's standing, read from its journal.
//
// The journal is the truth; the index is a cache of what `runs` shows about each run, plus how many
// journal bytes that covers. `runs` reads the index, reads only what each journal gained since
// (usually nothing), and writes the index back. A damaged or missing index is rebuilt from the run
// folders, and one damaged run is left out of the list instead of breaking it.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../exec/pid-alive.js';
import { RUN_INDEX_MAX_BYTES, RUNS_LIST_LIMIT } from '../limits.js';
import { renderText } from '../runbook/template.js';
import { scanJournal } from './journal-reader.js';
import type { JournalRecord } from './records.js';
import { isRunId, RunFolder, runIds } from './run-folder.js';
import { writeFileDurably } from './state-io.js';

/** What `run` writes when a run starts. */
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

/** What the journal said, up to `covered` bytes of it. */
interface Digest {
  covered: number;
  lines: number;
  started_at: number | null;
  dry_run: boolean;
  /** Absent in digests cached before rehearsals existed. */
  rehearsal?: boolean;
  operator: string | null;
  runbook: string | null;
  title: string | null;
  params: Record<string, string>;
  host: string | null;
  steps_started: string[];
  steps_done: string[];
  end: { phase: string; outcome: string | null; at: number } | null;
  driver: { pid: number; hostname: string } | null;
  interrupted: boolean;
}

type StoredEntry = Partial<IndexEntry> & { digest?: Digest };

export type RunStanding = 'running' | 'interrupted' | 'done' | 'failed' | 'aborted';

export interface RunSummary extends Omit<IndexEntry, 'steps_total' | 'phase'> {
  state: RunStanding;
  dry_run: boolean;
  /** A rehearsal: nothing ran on the real host. */
  rehearsal: boolean;
  dir: string;
  ended_at: number | null;
  outcome: string | null;
  steps: { total: number; done: number };
}

export interface RunList {
  runs: RunSummary[];
  /** What the operator should know: a rebuilt index, skipped journal lines, runs left out. */
  notices: string[];
}

const indexFile = (root: string) => join(root, 'index.json');

function readIndex(root: string): { runs: Record<string, StoredEntry>; damaged: boolean } {
  let text: string;
  try {
    if (statSync(indexFile(root)).size > RUN_INDEX_MAX_BYTES) return { runs: {}, damaged: true };
    text = readFileSync(indexFile(root), 'utf8');
  } catch {
    return { runs: {}, damaged: false };
  }
  try {
    const parsed = JSON.parse(text) as { runs?: unknown };
    const runs = parsed?.runs;
    if (!runs || typeof runs !== 'object' || Array.isArray(runs)) return { runs: {}, damaged: true };
    const kept: Record<string, StoredEntry> = Object.create(null);
    for (const [id, entry] of Object.entries(runs as Record<string, unknown>)) {
      if (isRunId(id) && entry && typeof entry === 'object') kept[id] = entry as StoredEntry;
    }
    return { runs: kept, damaged: false };
  } catch {
    return { runs: {}, damaged: true };
  }
}

function writeIndex(root: string, runs: Record<string, StoredEntry>): void {
  writeFileDurably(indexFile(root), `${JSON.stringify({ runs })}\n`);
}

/** Adds a run as it starts. A damaged index is started again; `runs` fills it from the folders. */
export function indexRun(root: string, entry: IndexEntry): void {
  const { runs } = readIndex(root);
  writeIndex(root, { ...runs, [entry.id]: entry });
}

export function markRunEnded(root: string, id: string, phase: string): void {
  const { runs } = readIndex(root);
  if (runs[id]) writeIndex(root, { ...runs, [id]: { ...runs[id], phase } });
}

/** Once the params are known: the title with its templates filled in, and the host. */
export function noteRunTarget(root: string, id: string, target: { title: string; host: string }): void {
  const { runs } = readIndex(root);
  if (runs[id]) writeIndex(root, { ...runs, [id]: { ...runs[id], ...target } });
}

/** A run the operator declined before it did anything is not kept (its folder goes too). */
export function unindexRun(root: string, id: string): void {
  const { [id]: _gone, ...runs } = readIndex(root).runs;
  writeIndex(root, runs);
}

function emptyDigest(): Digest {
  return {
    covered: 0,
    lines: 0,
    started_at: null,
    dry_run: false,
    operator: null,
    runbook: null,
    title: null,
    params: {},
    host: null,
    steps_started: [],
    steps_done: [],
    end: null,
    driver: null,
    interrupted: false,
  };
}

/** Folds one record into what `runs` shows. */
function fold(digest: Digest, record: JournalRecord): void {
  switch (record.type) {
    case 'run-start':
      if (digest.started_at !== null) break;
      digest.started_at = record.at;
      digest.dry_run = Boolean(record.options?.dry_run);
      digest.rehearsal = Boolean(record.rehearsal);
      digest.operator = record.operator?.user ?? null;
      digest.runbook = record.runbook?.path ?? null;
      digest.title = record.runbook?.title ?? null;
      digest.params = record.params ?? {};
      digest.driver = record.operator ? { pid: record.operator.pid, hostname: record.operator.hostname } : null;
      break;
    case 'resume':
      digest.driver = record.operator ? { pid: record.operator.pid, hostname: record.operator.hostname } : null;
      break;
    case 'lock':
      digest.host ??= record.host ?? null;
      break;
    case 'step-start':
      if (!digest.steps_started.includes(record.step)) digest.steps_started.push(record.step);
      break;
    case 'step-end':
      if (record.status !== 'failed' && !digest.steps_done.includes(record.step)) digest.steps_done.push(record.step);
      break;
    case 'run-end':
      digest.end = { phase: record.phase, outcome: record.outcome ?? null, at: record.at };
      break;
  }
  digest.interrupted = record.type === 'interrupted';
}

/** Running when the last process that drove it is alive on this machine; interrupted otherwise. */
function standingOfDigest(digest: Digest): RunStanding {
  if (digest.end) return digest.end.phase as RunStanding;
  const driver = digest.driver;
  if (driver && !digest.interrupted && driver.hostname === hostname() && pidAlive(driver.pid)) return 'running';
  return 'interrupted';
}

/** The same judgement over records in memory (report and resume stream into a digest instead). */
export function standingOf(records: JournalRecord[]): RunStanding {
  const digest = emptyDigest();
  for (const record of records) fold(digest, record);
  return standingOfDigest(digest);
}

/** Streams the records into a fresh digest, for a caller that reads the journal anyway. */
export class StandingTracker {
  private readonly digest = emptyDigest();
  add(record: JournalRecord): void {
    fold(this.digest, record);
  }
  get standing(): RunStanding {
    return standingOfDigest(this.digest);
  }
}

function titleOf(template: string, params: Record<string, string>, host: string | null): string {
  try {
    return renderText(template, ([name, ...rest]) => (name !== undefined && rest.length === 0 ? (params[name] ?? (name === 'host' ? (host ?? undefined) : undefined)) : undefined));
  } catch {
    return template;
  }
}

/**
 * Brings a run's digest up to date by reading only what its journal gained since the digest was
 * made. Returns undefined for a run without a readable start, and says when lines were skipped.
 */
function refresh(folder: RunFolder, stored: Digest | undefined, notices: string[]): { digest: Digest; changed: boolean } | undefined {
  let size: number;
  try {
    size = statSync(folder.journal).size;
  } catch {
    return undefined;
  }
  // A journal shorter than what was read before was replaced: read it again from the start.
  const digest: Digest = stored && stored.covered <= size ? structuredClone(stored) : emptyDigest();
  if (digest.covered === size && stored) return { digest, changed: false };
  try {
    const scan = scanJournal(folder.journal, (record) => fold(digest, record), { from: digest.covered, fromLine: digest.lines });
    if (scan.skipped.count) {
      notices.push(`run ${folder.id}: journal line${scan.skipped.count > 1 ? 's' : ''} ${scan.skipped.lines.join(', ')}${scan.skipped.count > scan.skipped.lines.length ? ` and ${scan.skipped.count - scan.skipped.lines.length} more` : ''} not a journal record; skipped`);
    }
    digest.covered = scan.validBytes;
    digest.lines = scan.lines;
  } catch (error) {
    notices.push(`run ${folder.id}: journal cannot be read (${(error as Error).message}); left out`);
    return undefined;
  }
  return { digest, changed: true };
}

function summaryOf(folder: RunFolder, entry: StoredEntry, digest: Digest): RunSummary | undefined {
  if (digest.started_at === null) return undefined;
  return {
    id: folder.id,
    title: titleOf(entry.title ?? digest.title ?? '', digest.params, digest.host),
    runbook: digest.runbook ?? entry.runbook ?? '',
    host: entry.host ?? digest.host,
    started_at: digest.started_at,
    operator: digest.operator ?? entry.operator ?? '',
    state: standingOfDigest(digest),
    dry_run: Boolean(digest.dry_run),
    rehearsal: Boolean(digest.rehearsal),
    dir: folder.dir,
    ended_at: digest.end?.at ?? null,
    outcome: digest.end?.outcome ?? null,
    steps: { total: entry.steps_total ?? digest.steps_started.length, done: digest.steps_done.length },
  };
}

/** Every run, newest first: the index's entries and any run folder the index missed. */
export function listRuns(root: string): RunList {
  const notices: string[] = [];
  const { runs: stored, damaged } = readIndex(root);
  if (damaged) notices.push(`${indexFile(root)} was damaged; rebuilt from the run folders`);
  const ids = new Set([...Object.keys(stored), ...runIds(root)]);
  const runs: RunSummary[] = [];
  const next: Record<string, StoredEntry> = {};
  let changed = damaged;
  for (const id of ids) {
    const folder = new RunFolder(root, id);
    const entry = stored[id] ?? {};
    const fresh = refresh(folder, entry.digest, notices);
    if (!fresh) {
      // Its folder is gone (or not yet written): the index keeps it only while run may still write it.
      if (stored[id]) changed = true;
      continue;
    }
    next[id] = { ...entry, digest: fresh.digest };
    changed ||= fresh.changed || !stored[id];
    const summary = summaryOf(folder, entry, fresh.digest);
    if (summary) runs.push(summary);
  }
  if (changed) {
    try {
      // A run that started while this list was made keeps the entry it wrote.
      const meanwhile = readIndex(root).runs;
      for (const [id, entry] of Object.entries(meanwhile)) if (!next[id] && !stored[id]) next[id] = entry;
      for (const [id, entry] of Object.entries(meanwhile)) if (next[id] && !stored[id] && entry.steps_total !== undefined) next[id] = { ...entry, digest: next[id].digest };
      writeIndex(root, next);
    } catch {
      // The index is only a cache: a read-only or full state dir still lists its runs.
    }
  }
  runs.sort((a, b) => b.started_at - a.started_at || b.id.localeCompare(a.id));
  return { runs: runs.slice(0, RUNS_LIST_LIMIT), notices };
}
