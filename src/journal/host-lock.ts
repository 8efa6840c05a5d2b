// One run per host at a time: a lock file per target host under the state dir, created atomically.
// It records who holds it and from where, so a refused operator knows whom to call.
//
// Taking over a stale lock is atomic too. Everyone who finds the same stale lock races for one
// claim file named after that lock's content, created with O_EXCL: exactly one wins. The winner
// checks that the lock still holds what it judged stale, renames its own lock into place and reads
// it back. A claim left by a process that died mid-takeover is passed over by racing for the next
// claim number, which again only one process wins.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../exec/pid-alive.js';
import { LOCK_TAKEOVER_ATTEMPTS } from '../limits.js';
import type { Operator } from './operator.js';
import { locksDir, prepareStateDir } from './state-dir.js';
import { makeDir, openForWrite, writeAll, writeFileDurably } from './state-io.js';

export interface LockInfo {
  host: string;
  run: string;
  user: string;
  ssh_client: string | null;
  pid: number;
  hostname: string;
  started_at: number;
  runbook: string;
  /** Makes every lock's content unique, so a takeover can tell one stale lock from the next. */
  nonce?: string;
}

export class LockRefused extends Error {}

export function lockPath(root: string, host: string): string {
  return join(locksDir(root), `${host.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseLock(text: string | undefined): LockInfo | undefined {
  try {
    const lock = JSON.parse(text ?? '') as LockInfo;
    return lock && typeof lock === 'object' && typeof lock.pid === 'number' ? lock : undefined;
  } catch {
    return undefined;
  }
}

export function readLock(file: string): LockInfo | undefined {
  return parseLock(readText(file));
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

/** Creates `file` with `text` only if it does not exist yet. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openForWrite(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeAll(fd, text, file);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Wins the takeover of the lock whose content is `staleText`, or returns false when another process
 * wins it or the lock changed meanwhile. The claim files are removed once the takeover is done.
 */
function takeOverAtomically(file: string, staleText: string, text: string, mine: LockInfo): boolean {
  const generation = createHash('sha256').update(staleText).digest('hex').slice(0, 16);
  const claimOf = (n: number) => `${file}.takeover-${generation}-${n}`;
  for (let n = 0; n < LOCK_TAKEOVER_ATTEMPTS; n++) {
    const claim = claimOf(n);
    if (!createExclusive(claim, JSON.stringify({ pid: mine.pid, hostname: mine.hostname }))) {
      const holder = parseLock(readText(claim));
      // Someone alive is taking it over (or just did); a claim left by a dead process is passed over.
      if (!holder || !isStale(holder)) return false;
      continue;
    }
    try {
      if (readText(file) !== staleText) return false;
      writeFileDurably(file, text);
      return readText(file) === text;
    } finally {
      for (let m = 0; m <= n; m++) rmSync(claimOf(m), { force: true });
    }
  }
  return false;
}

/**
 * Takes the lock for `host`. The run's own lock left by a process that is gone (a resume) is
 * taken back without asking; someone else's stale lock only when `takeOver` says so.
 */
export async function acquireLock(
  root: string,
  host: string,
  mine: { run: string; runbook: string; operator: Operator },
  takeOver: (lock: LockInfo) => Promise<boolean>,
  /** live: a handover whose driver did not let go in time may take the run's own live lock. */
  options: { live?: boolean } = {},
): Promise<Acquired> {
  prepareStateDir(root, { create: true });
  makeDir(locksDir(root));
  const file = lockPath(root, host);
  const info: LockInfo = {
    host,
    run: mine.run,
    user: mine.operator.user,
    ssh_client: mine.operator.ssh_client,
    pid: mine.operator.pid,
    hostname: mine.operator.hostname,
    started_at: Date.now(),
    runbook: mine.runbook,
    nonce: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(info, null, 2)}\n`;
  if (createExclusive(file, text)) return { action: 'taken' };

  const staleText = readText(file);
  if (staleText === undefined) return acquireLock(root, host, mine, takeOver, options);
  const held = parseLock(staleText);
  if (held && held.pid === info.pid && held.hostname === info.hostname) return { action: 'taken' };
  // A lock file cut short by a crash while it was written holds no one.
  // A live lock is taken only in a handover, from the same run's driver that did not let go in time.
  const live = Boolean(options.live && held && held.run === mine.run);
  if (held && !isStale(held) && !live) throw new LockRefused(`${host} is locked by another patchwalk run: ${describeLock(held)}`);
  if (held && held.run !== mine.run && !(await takeOver(held))) {
    throw new LockRefused(`${host} has a stale lock (its process is gone): ${describeLock(held)}; not taken over`);
  }
  if (!takeOverAtomically(file, staleText, text, info)) {
    const now = readLock(file);
    throw new LockRefused(`${host}: another patchwalk took over the stale lock first${now ? `: ${describeLock(now)}` : ''}`);
  }
  return { action: 'taken-over', previous: held ?? ({ host } as LockInfo) };
}

/** Removes the lock if it is still this process's. */
export function releaseLock(root: string, host: string, pid = process.pid): boolean {
  const file = lockPath(root, host);
  const held = readLock(file);
  if (!held || held.pid !== pid || held.hostname !== hostname()) return false;
  if (existsSync(file)) rmSync(file);
  return true;
}
