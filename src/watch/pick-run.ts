// Which run `watch` follows, found by reading only: the run named, or the newest one whose driver
// holds a host lock and is alive, else the newest run. Nothing is written (not even the run index),
// so a watcher with read access alone can use it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../exit-codes.js';
import { isStale, readLock } from '../journal/host-lock.js';
import { isRunId, RunFolder, runIds } from '../journal/run-folder.js';
import { locksDir } from '../journal/state-dir.js';

/** A state dir a watcher may read: there, and no one but its owner (and a shared group) can write to it. */
export function checkReadableStateDir(root: string): void {
  let mode: number;
  try {
    mode = statSync(root).mode;
  } catch {
    throw new UsageError(`no runs under ${root} (PATCHWALK_STATE_DIR); nothing to watch`);
  }
  if (mode & 0o002) throw new UsageError(`refusing the state dir: every user can write to ${root} (mode ${(mode & 0o7777).toString(8)}), so its runs cannot be trusted. Fix: chmod o-w ${root}`);
}

function liveRuns(root: string): { run: string; since: number }[] {
  let names: string[];
  try {
    names = readdirSync(locksDir(root)).filter((name) => name.endsWith('.lock'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const lock = readLock(join(locksDir(root), name));
    return lock && isRunId(lock.run) && !isStale(lock) && new RunFolder(root, lock.run).exists() ? [{ run: lock.run, since: lock.started_at }] : [];
  });
}

export function runToWatch(root: string, name: string | undefined): string {
  if (name && name !== 'latest') {
    if (!isRunId(name)) throw new UsageError(`"${name}" is not a run id (like 20260101-120000-ab12, as \`patchwalk runs\` lists them) or latest`);
    if (!new RunFolder(root, name).exists()) throw new UsageError(`no run "${name}" under ${root}; \`patchwalk runs\` lists the runs`);
    return name;
  }
  // Run ids start with their start time, so the newest sorts last.
  const newest = (ids: string[]) => [...ids].sort().at(-1);
  const live = name === 'latest' ? undefined : newest(liveRuns(root).map((entry) => entry.run));
  const chosen = live ?? newest(runIds(root));
  if (!chosen) throw new UsageError(`no runs yet under ${root}; nothing to watch`);
  return chosen;
}
