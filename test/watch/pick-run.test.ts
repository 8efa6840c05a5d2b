// Which run `watch` follows, by reading only: the named one, the one being driven now, else the newest.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReadableStateDir, runToWatch } from '../../src/watch/pick-run.js';
import { allFiles } from '../helpers/state.js';
import { tempDir } from '../helpers/cli.js';

const OLDER = '20260101-100000-aaaa';
const NEWER = '20260101-110000-bbbb';

function stateWithTwoRuns(): string {
  const root = tempDir('patchwalk-pick-');
  for (const id of [OLDER, NEWER]) {
    mkdirSync(join(root, 'runs', id), { recursive: true });
    writeFileSync(join(root, 'runs', id, 'journal.jsonl'), '{"type":"run-start","at":1}\n');
  }
  mkdirSync(join(root, 'locks'));
  return root;
}

describe('runToWatch', () => {
  it('picks the run whose driver holds a lock and is alive, else the newest; latest is the newest', () => {
    const root = stateWithTwoRuns();
    expect(runToWatch(root, undefined)).toBe(NEWER);
    writeFileSync(join(root, 'locks', 'kvm01.lock'), JSON.stringify({ host: 'kvm01', run: OLDER, user: 'alice', ssh_client: null, pid: process.pid, hostname: hostname(), started_at: 1, runbook: 'x' }));
    const before = allFiles(root).sort();
    expect(runToWatch(root, undefined)).toBe(OLDER);
    expect(runToWatch(root, 'latest')).toBe(NEWER);
    expect(runToWatch(root, NEWER)).toBe(NEWER);
    // Reading only: no index, no lock, nothing else was written.
    expect(allFiles(root).sort()).toEqual(before);
  });

  it('a stale lock does not count as driven', () => {
    const root = stateWithTwoRuns();
    writeFileSync(join(root, 'locks', 'kvm01.lock'), JSON.stringify({ host: 'kvm01', run: OLDER, user: 'alice', ssh_client: null, pid: 2 ** 22 + 12345, hostname: hostname(), started_at: 1, runbook: 'x' }));
    expect(runToWatch(root, undefined)).toBe(NEWER);
  });

  it('refuses a path or an unknown run, and a state dir anyone can write to', () => {
    const root = stateWithTwoRuns();
    expect(() => runToWatch(root, '../x')).toThrow(/not a run id/);
    expect(() => runToWatch(root, '20260101-120000-cccc')).toThrow(/no run/);
    expect(() => runToWatch(tempDir(), undefined)).toThrow(/no runs yet/);
    chmodSync(root, 0o777);
    expect(() => checkReadableStateDir(root)).toThrow(/every user can write/);
    chmodSync(root, 0o750);
    expect(() => checkReadableStateDir(root)).not.toThrow();
  });
});
