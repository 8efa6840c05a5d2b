import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockRefused, lockPath, readLock, type LockInfo } from '../../src/journal/host-lock.js';
import type { Operator } from '../../src/journal/operator.js';
import { tempDir } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A pid that no process has now: one that just exited. */
async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '0']);
  const pid = child.pid!;
  await child;
  return pid;
}

function staleLock(root: string, host: string, pid: number): void {
  mkdirSync(join(root, 'locks'), { recursive: true, mode: 0o700 });
  const lock: LockInfo = { host, run: '20260101-000000-dead', user: 'gone', ssh_client: null, pid, hostname: hostname(), started_at: 1, runbook: 'old.yaml' };
  writeFileSync(lockPath(root, host), JSON.stringify(lock));
}

const operator = (pid: number, user: string): Operator => ({ user, ssh_client: null, hostname: hostname(), pid });

describe('host lock takeover (13.6)', () => {
  it('two takers who both judged the lock stale: exactly one gets in, the other is told who did', async () => {
    const root = tempDir('patchwalk-lock-');
    staleLock(root, 'h1', await deadPid());
    // Both take their decision before either writes: the confirm prompt is where the race opens.
    let release!: () => void;
    const bothAsked = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const takeOver = async () => {
      if (++asked === 2) release();
      await bothAsked;
      return true;
    };
    const results = await Promise.allSettled([
      acquireLock(root, 'h1', { run: '20260101-000000-aaaa', runbook: 'a.yaml', operator: operator(process.pid, 'alice') }, takeOver),
      acquireLock(root, 'h1', { run: '20260101-000000-bbbb', runbook: 'b.yaml', operator: operator(process.ppid, 'bob') }, takeOver),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(LockRefused);
    const holder = readLock(lockPath(root, 'h1'))!;
    expect(lost[0]?.reason.message).toContain(`another patchwalk took over the stale lock first: run ${holder.run}`);
    expect(readdirSync(join(root, 'locks'))).toEqual(['h1.lock']);
  });

  it('a claim left by a process that died mid-takeover is passed over', async () => {
    const root = tempDir('patchwalk-lock-');
    const dead = await deadPid();
    staleLock(root, 'h2', dead);
    const stale = readFileSync(lockPath(root, 'h2'), 'utf8');
    const { createHash } = await import('node:crypto');
    const generation = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    writeFileSync(`${lockPath(root, 'h2')}.takeover-${generation}-0`, JSON.stringify({ pid: dead, hostname: hostname() }));
    const got = await acquireLock(root, 'h2', { run: '20260101-000000-cccc', runbook: 'c.yaml', operator: operator(process.pid, 'carol') }, async () => true);
    expect(got.action).toBe('taken-over');
    expect(readLock(lockPath(root, 'h2'))?.user).toBe('carol');
    expect(readdirSync(join(root, 'locks'))).toEqual(['h2.lock']);
  });

  it('20 concurrent pairs of processes, each pair racing for one stale lock: exactly one wins each', async () => {
    const root = tempDir('patchwalk-lock-race-');
    const dead = await deadPid();
    const hosts = Array.from({ length: 20 }, (_, i) => `race${i}`);
    for (const host of hosts) staleLock(root, host, dead);
    const barrier = join(tempDir('patchwalk-barrier-'), 'go');
    const racer = fileURLToPath(new URL('./lock-racer.mjs', import.meta.url));
    const racers = ['aaaa', 'bbbb'].map((name) => execa('node', [racer, root, hosts.join(','), barrier, name, join(ROOT, 'dist')]));
    const deadline = Date.now() + 30_000;
    while (!['aaaa', 'bbbb'].every((name) => existsSync(`${barrier}.ready-${name}`))) {
      if (Date.now() > deadline) throw new Error('racers did not start');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    writeFileSync(barrier, '');
    const [a = {}, b = {}] = (await Promise.all(racers)).map((result) => JSON.parse(String(result.stdout)) as Record<string, string>);
    for (const host of hosts) {
      const outcomes = [a[host] ?? 'missing', b[host] ?? 'missing'];
      expect(outcomes.filter((outcome) => outcome === 'taken-over'), `${host}: ${outcomes.join(' / ')}`).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.startsWith('refused')), host).toHaveLength(1);
      const winner = a[host] === 'taken-over' ? 'aaaa' : 'bbbb';
      expect(readLock(lockPath(root, host))?.user).toBe(winner);
    }
    expect(readdirSync(join(root, 'locks')).sort()).toEqual(hosts.map((host) => `${host}.lock`).sort());
  }, 60_000);
});
