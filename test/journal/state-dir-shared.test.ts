// The group-shared state dir of two-person approval and watching: a setgid folder of the group,
// no world access, is taken on purpose; files are then 0660 and folders 2770 whatever the umask.
import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunFolder } from '../../src/journal/run-folder.js';
import { prepareStateDir, sharedGroupOf, UnsafeStateDir } from '../../src/journal/state-dir.js';
import { isSharedState, setSharedState } from '../../src/journal/state-io.js';
import { tempDir } from '../helpers/cli.js';

const asRoot = process.getuid?.() === 0;
const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);

function folder(bits: number): string {
  const path = join(tempDir('patchwalk-shared-'), 'state');
  mkdirSync(path);
  chmodSync(path, bits);
  return path;
}

afterEach(() => setSharedState(false));

describe('group-shared state dir', () => {
  it('is a setgid folder the group can write, of one of my groups, with no world access; anything else is private', () => {
    const gid = statSync(folder(0o700)).gid;
    expect(sharedGroupOf(folder(0o2770))).toBe(gid);
    expect(sharedGroupOf(folder(0o770))).toBeUndefined();
    expect(sharedGroupOf(folder(0o2750))).toBeUndefined();
    expect(sharedGroupOf(folder(0o2775))).toBeUndefined();
    expect(sharedGroupOf(folder(0o2777))).toBeUndefined();
  });

  it('accepts a setgid 2770 folder and makes its folders 2770 and files 0660, even under umask 077', () => {
    const root = folder(0o2770);
    const umask = process.umask(0o077);
    try {
      prepareStateDir(root, { create: true });
      expect(isSharedState()).toBe(true);
      const run = new RunFolder(root, '20260101-120000-ab12');
      run.create();
      run.writeRunbookCopy('runbook: 1\n');
      expect(mode(join(root, 'runs'))).toBe('2770');
      expect(mode(run.dir)).toBe('2770');
      expect(mode(run.stepsDir)).toBe('2770');
      expect(mode(run.runbookCopy)).toBe('660');
    } finally {
      process.umask(umask);
    }
  });

  it('refuses world access however the folder is set up', () => {
    const open = folder(0o2777);
    expect(() => prepareStateDir(open)).toThrow(UnsafeStateDir);
    expect(() => prepareStateDir(open)).toThrow(`every user can write to ${open} (mode 2777)`);
    const root = folder(0o2770);
    mkdirSync(join(root, 'runs'));
    chmodSync(join(root, 'runs'), 0o2777);
    expect(() => prepareStateDir(root)).toThrow(`every user can write to ${join(root, 'runs')} (mode 2777)`);
  });

  it('a plain group-writable folder stays refused: sharing takes the setgid bit, on purpose', () => {
    const root = folder(0o770);
    expect(() => prepareStateDir(root)).toThrow('can write to it (mode 0770)');
    expect(isSharedState()).toBe(false);
  });

  it.runIf(asRoot)('takes folders another member owns in a shared dir, but never in a private one', () => {
    const root = folder(0o2770);
    const gid = statSync(root).gid;
    chownSync(root, 65534, gid);
    mkdirSync(join(root, 'runs'));
    chmodSync(join(root, 'runs'), 0o2770);
    chownSync(join(root, 'runs'), 65534, gid);
    expect(() => prepareStateDir(root)).not.toThrow();
    const other = folder(0o700);
    chownSync(other, 65534, gid);
    expect(() => prepareStateDir(other)).toThrow('is owned by another user');
  });
});
