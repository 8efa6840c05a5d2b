import { chmodSync, chownSync, lchownSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStateFolder, prepareStateDir, UnsafeStateDir } from '../../src/journal/state-dir.js';
import { tempDir } from '../helpers/cli.js';

const OTHER = 65534; // nobody
const asRoot = process.getuid?.() === 0;
const me = process.getuid?.() ?? 0;

function folder(mode: number): string {
  const path = join(tempDir('patchwalk-statedir-'), 'state');
  mkdirSync(path);
  chmodSync(path, mode);
  return path;
}

describe('state dir checks (13.7)', () => {
  it('makes the state dir 0700', () => {
    const root = join(tempDir('patchwalk-statedir-'), 'new', 'state');
    prepareStateDir(root, { create: true });
    for (const path of [root, join(root, '..')]) expect((statSync(path).mode & 0o7777).toString(8)).toBe('700');
  });

  it('takes read access away from others on a folder only this user can write (an older 0755 state dir)', () => {
    const path = folder(0o755);
    expect(checkStateFolder(path)).toBeUndefined();
    expect((statSync(path).mode & 0o7777).toString(8)).toBe('700');
  });

  it('refuses a world-writable folder, saying why and how to fix it', () => {
    const path = folder(0o777);
    expect(checkStateFolder(path)).toBe(`every user can write to ${path} (mode 0777), so anyone could plant or change runs and locks. Fix: chmod 700 ${path}`);
    const root = folder(0o700);
    mkdirSync(join(root, 'locks'));
    chmodSync(join(root, 'locks'), 0o1777);
    expect(() => prepareStateDir(root)).toThrow(UnsafeStateDir);
    expect(() => prepareStateDir(root)).toThrow(`refusing the state dir: every user can write to ${join(root, 'locks')} (mode 1777)`);
  });

  it('refuses a group-writable folder unless it is the group-shared kind asked for: group-owned, setgid, no world access', () => {
    const path = folder(0o770);
    const gid = statSync(path).gid;
    expect(checkStateFolder(path)).toContain(`the group of ${path} (gid ${gid}) can write to it (mode 0770)`);
    // Shared on purpose: the setgid bit keeps new files in the group.
    chmodSync(path, 0o2770);
    expect(checkStateFolder(path)).toContain('can write to it (mode 2770)');
    expect(checkStateFolder(path, { sharedGroup: gid })).toBeUndefined();
    expect(checkStateFolder(path, { sharedGroup: gid + 1 })).toContain('can write to it');
    chmodSync(path, 0o770);
    expect(checkStateFolder(path, { sharedGroup: gid })).toContain('can write to it (mode 0770)');
    // World access is never allowed, shared or not; world read is taken away.
    chmodSync(path, 0o2777);
    expect(checkStateFolder(path, { sharedGroup: gid })).toContain('every user can write to');
    chmodSync(path, 0o2775);
    expect(checkStateFolder(path, { sharedGroup: gid })).toBeUndefined();
    expect((statSync(path).mode & 0o7777).toString(8)).toBe('2770');
  });

  it.runIf(asRoot)('refuses a folder owned by another user, and a symlink another user owns', () => {
    const owned = folder(0o700);
    chownSync(owned, OTHER, OTHER);
    expect(checkStateFolder(owned)).toBe(
      `${owned} is owned by another user (uid ${OTHER}, you are uid ${me}), who could change its runs and locks. Fix: set PATCHWALK_STATE_DIR to a folder of your own`,
    );
    const target = folder(0o700);
    const link = join(tempDir('patchwalk-statedir-'), 'runs');
    symlinkSync(target, link);
    expect(checkStateFolder(link)).toBeUndefined();
    lchownSync(link, OTHER, OTHER);
    expect(checkStateFolder(link)).toBe(
      `${link} is a symlink owned by another user (uid ${OTHER}), who could point it anywhere. Fix: remove it (rm ${link}) or set PATCHWALK_STATE_DIR to a folder of your own`,
    );
    const root = folder(0o700);
    symlinkSync(target, join(root, 'runs'));
    lchownSync(join(root, 'runs'), OTHER, OTHER);
    expect(() => prepareStateDir(root)).toThrow(`refusing the state dir: ${join(root, 'runs')} is a symlink owned by another user`);
  });
});
