// One run per host at a time: a lock file per target host under the state dir, created atomically.
// It records who holds it and from where, so a refused operator knows whom to call.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.js';
import { pidAlive } from '../exec/pid-alive.js';
import type { Operator } from './operator.js';
import { locksDir } from './state-dir.js';

export interface LockInfo {
  host: string;
  run: string;
  user: string;
  ssh_client: string | null;
  pid: number;
  hostname: string;
  started_at: number;
  runbook: string;
}

export class LockRefused extends Error {}

export function lockPath(root: string, host: string): string {
  return join(locksDir(root), `${host.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

export function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Stale: its process is dead, and it ran on this machine (elsewhere nobody here can tell). */
export function isStale(lock: LockInfo): boolean {
  return lock.hostname === hostname() && !pidAlive(lock.pid);
}

export function describeLock(lock: LockInfo): string {
  const from = lock.ssh_client ? ` from ${lock.ssh_client}` : '';
  return `run ${lock.run} by ${lock.user}${from}, pid ${lock.pid} on ${lock.hostname}, since ${new Date(lock.started_at).toISOString()}, runbook ${lock.runbook}`;
}

export type Acquired = { action: 'taken' } | { action: 'taken-over'; previous: LockInfo };

/**
 * Takes the lock for `host`. The run's own lock left by a process that is gone (a resume) is
 * taken back without asking; someone else's stale lock only when `takeOver` says so.
 */
export async function acquireLock(
  root: string,
  host: string,
  mine: { run: string; runbook: string; operator: Operator },
  takeOver: (lock: LockInfo) => Promise<boolean>,
): Promise<Acquired> {
  const file = lockPath(root, host);
  mkdirSync(locksDir(root), { recursive: true });
  const info: LockInfo = {
    host,
    run: mine.run,
    user: mine.operator.user,
    ssh_client: mine.operator.ssh_client,
    pid: mine.operator.pid,
    hostname: mine.operator.hostname,
    started_at: Date.now(),
    runbook: mine.runbook,
  };
  const text = `${JSON.stringify(info, null, 2)}\n`;
  try {
    writeFileSync(file, text, { flag: 'wx' });
    return { action: 'taken' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const held = readLock(file);
  if (!held) {
    // A lock file cut short by a crash while it was written holds no one.
    writeFileDurably(file, text);
    return { action: 'taken-over', previous: { host } as LockInfo };
  }
  if (held.pid === info.pid && held.hostname === info.hostname) return { action: 'taken' };
  if (!isStale(held)) throw new LockRefused(`${host} is locked by another patchwalk run: ${describeLock(held)}`);
  if (held.run !== mine.run && !(await takeOver(held))) {
    throw new LockRefused(`${host} has a stale lock (its process is gone): ${describeLock(held)}; not taken over`);
  }
  writeFileDurably(file, text);
  return { action: 'taken-over', previous: held };
}

/** Removes the lock if it is still this process's. */
export function releaseLock(root: string, host: string, pid = process.pid): boolean {
  const file = lockPath(root, host);
  const held = readLock(file);
  if (!held || held.pid !== pid || held.hostname !== hostname()) return false;
  if (existsSync(file)) rmSync(file);
  return true;
}
