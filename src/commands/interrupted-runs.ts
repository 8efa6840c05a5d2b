// Runs left interrupted (a dropped SSH session, a closed terminal): which one a host has, what it
// left behind, and which one a bare `resume` should pick up. Read from the journals and the locks.
import { readdirSync } from 'node:fs';
import { isStale, lockPath, readLock } from '../journal/host-lock.js';
import { recordsOf, scanJournal } from '../journal/journal-reader.js';
import { describeOperator } from '../journal/operator.js';
import type { JournalRecord } from '../journal/records.js';
import { isRunId, RunFolder } from '../journal/run-folder.js';
import { listRuns, StandingTracker } from '../journal/run-index.js';
import { locksDir } from '../journal/state-dir.js';
import { UsageError } from '../exit-codes.js';
import { renderText } from '../runbook/template.js';

export interface LeftRun {
  id: string;
  title: string;
  host: string | null;
  startedBy: string;
  startedAt: number;
  /** The step it was in when it stopped. */
  step: { id: string; index: number; title: string } | null;
  /** VMs this run saw running, then took down, and that are still not running. */
  vmsDown: string[];
  /** It still holds its host's lock (its process is gone). */
  holdsLock: boolean;
  dryRun: boolean;
}

function vmsDown(records: JournalRecord[]): string[] {
  const seen = new Map<string, { wasRunning: boolean; running: boolean }>();
  for (const record of recordsOf(records, 'vm-state')) {
    const known = seen.get(record.vm) ?? { wasRunning: false, running: false };
    const running = record.to === 'running';
    seen.set(record.vm, { wasRunning: known.wasRunning || running, running });
  }
  return [...seen].filter(([, vm]) => vm.wasRunning && !vm.running).map(([name]) => name);
}

function currentStep(records: JournalRecord[]): LeftRun['step'] {
  const ended = new Set(recordsOf(records, 'step-end').map((record) => record.step));
  const open = recordsOf(records, 'step-start').filter((record) => !ended.has(record.step)).at(-1);
  const last = open ?? recordsOf(records, 'step-start').at(-1);
  return last ? { id: last.step, index: last.index, title: last.title } : null;
}

/** Stale locks on this machine: run id → host. */
function staleLockHolders(root: string): Map<string, string> {
  const holders = new Map<string, string>();
  let files: string[] = [];
  try {
    files = readdirSync(locksDir(root)).filter((name) => name.endsWith('.lock'));
  } catch {
    return holders;
  }
  for (const name of files) {
    const lock = readLock(`${locksDir(root)}/${name}`);
    if (lock?.run && isStale(lock)) holders.set(lock.run, lock.host);
  }
  return holders;
}

/** The run as it was left, or undefined when it is not interrupted (ended, still driven, unreadable). */
export function leftRun(root: string, id: string, holders = staleLockHolders(root)): LeftRun | undefined {
  // Streamed, keeping only the few records this needs: a journal of any size fits the heap.
  const records: JournalRecord[] = [];
  const standing = new StandingTracker();
  try {
    scanJournal(new RunFolder(root, id).journal, (record) => {
      standing.add(record);
      if (['run-start', 'lock', 'step-start', 'step-end', 'vm-state'].includes(record.type)) records.push(record);
    });
  } catch {
    return undefined;
  }
  const start = recordsOf(records, 'run-start')[0];
  if (!start || standing.standing !== 'interrupted') return undefined;
  const host = holders.get(id) ?? recordsOf(records, 'lock')[0]?.host ?? null;
  let title = start.runbook.title;
  try {
    title = renderText(title, ([name, ...rest]) => (name !== undefined && rest.length === 0 ? (start.params[name] ?? (name === 'host' ? (host ?? undefined) : undefined)) : undefined));
  } catch {
    // A title naming a param that was asked, not given: shown as written.
  }
  return {
    id,
    title,
    host,
    startedBy: describeOperator(start.operator),
    startedAt: start.at,
    step: currentStep(records),
    vmsDown: vmsDown(records),
    holdsLock: holders.has(id),
    dryRun: start.options.dry_run,
  };
}

/** Every run, newest first (the one place this file reads the run list). */
const allRuns = (root: string) => listRuns(root).runs;

/** A run that got as far as touching the host: it holds the lock, has VMs down, or started a step. */
const didSomething = (run: LeftRun) => run.holdsLock || run.vmsDown.length > 0 || (run.step !== null && !run.dryRun);

/** The interrupted run a new run on `host` would walk over: the lock's holder, else the newest on that host. */
export function interruptedRunOn(root: string, host: string): LeftRun | undefined {
  const lock = readLock(lockPath(root, host));
  const holders = staleLockHolders(root);
  if (lock && isStale(lock)) {
    const holder = leftRun(root, lock.run, holders);
    if (holder) return holder;
  }
  for (const run of allRuns(root)) {
    // A rehearsal never touched the host: a new run there does not walk over it.
    if (run.state !== 'interrupted' || run.host !== host || run.rehearsal) continue;
    const left = leftRun(root, run.id, holders);
    if (left && didSomething(left)) return left;
  }
  return undefined;
}

/**
 * What a bare `resume` picks: the newest interrupted run that holds a host's lock, else the newest
 * with VMs down, else the newest that started a step, else the newest interrupted at all. An
 * empty run (declined, or stopped at its first question) never hides one with VMs off.
 */
export function runToResume(root: string): string | undefined {
  const holders = staleLockHolders(root);
  const interrupted = allRuns(root).filter((run) => run.state === 'interrupted');
  const rehearsals = new Set(interrupted.filter((run) => run.rehearsal).map((run) => run.id));
  const left = interrupted.flatMap((run) => leftRun(root, run.id, holders) ?? []);
  // A real run with VMs really down comes before any rehearsal, whose VMs are simulated.
  const rank = (run: LeftRun) => (rehearsals.has(run.id) ? 0 : 4) + (run.holdsLock ? 3 : run.vmsDown.length > 0 ? 2 : didSomething(run) ? 1 : 0);
  let best: LeftRun | undefined;
  for (const run of left) if (!best || rank(run) > rank(best)) best = run;
  return best?.id;
}

/** A run id as typed: `latest` is the newest run; anything else must be a run id, never a path. */
export function resolveRunName(root: string, name: string): string {
  if (name !== 'latest') {
    if (!isRunId(name)) throw new UsageError(`"${name}" is not a run id (like 20260101-120000-ab12, as \`patchwalk runs\` lists them) or latest`);
    return name;
  }
  const newest = allRuns(root)[0];
  if (!newest) throw new UsageError(`no runs yet under ${root}, so no latest run`);
  return newest.id;
}

/** What the operator needs to decide: which run, whose, where it stopped, what it left off. */
export function describeLeftRun(run: LeftRun): string[] {
  const step = run.step ? `step ${run.step.index + 1}, ${run.step.id} (${run.step.title})` : 'before its first step';
  return [
    `run ${run.id}, "${run.title}", started by ${run.startedBy} at ${new Date(run.startedAt).toISOString()}`,
    `stopped at ${step}`,
    run.vmsDown.length > 0 ? `VMs it took down, still not running: ${run.vmsDown.join(', ')}` : 'it has no VMs down',
  ];
}

/** The lines that tell an operator about an interrupted run and how to go on with it. */
export function interruptedRunNotice(host: string, run: LeftRun): string[] {
  return [`${host} has an interrupted run:`, ...describeLeftRun(run).map((line) => `  ${line}`), `  to go on with it: patchwalk resume ${run.id}`];
}
