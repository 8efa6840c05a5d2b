// Every write under the state dir goes through here: files are created 0600 and folders 0700
// whatever the umask, and a full disk or a read-only file system is named ("disk full writing
// runs/ID/journal.jsonl") instead of surfacing as an internal error.
//
// Test seam: PATCHWALK_TEST_WRITE_FAULT=CODE:SUFFIX[:SKIP] makes writes to paths ending in SUFFIX
// fail with errno CODE after SKIP good writes, in this process and in the supervisors it starts
// (a disk cannot be filled on demand in a test). `injectWriteFault` does the same in-process.
import { chmodSync, closeSync, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { KnownCauseError } from '../exit-codes.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
/** A group-shared state dir (state-dir.ts decides): the group reads and writes, setgid keeps new
 * files in the group, and the world has no access either way. */
export const SHARED_FILE_MODE = 0o660;
export const SHARED_DIR_MODE = 0o2770;

let shared = false;

/** Set once the state dir is known to be group-shared; every file and folder made after follows. */
export function setSharedState(on: boolean): void {
  shared = on;
}

export function isSharedState(): boolean {
  return shared;
}

/** The mode for a new file in `dir`, for processes that never checked the state dir (the
 * supervisor): a setgid folder is a shared state dir's. */
export function fileModeIn(dir: string): number {
  try {
    return statSync(dir).mode & 0o2000 ? SHARED_FILE_MODE : FILE_MODE;
  } catch {
    return FILE_MODE;
  }
}

/** open()'s mode is cut by the umask: set a shared file's mode again, when this user made it. */
export function fixFileMode(fd: number, mode: number): void {
  if (mode === FILE_MODE) return;
  const stats = fstatSync(fd);
  if (stats.uid === process.getuid?.() && (stats.mode & 0o777) !== mode) fchmodSync(fd, mode);
}
export const WRITE_FAULT_ENV = 'PATCHWALK_TEST_WRITE_FAULT';

const CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'I/O error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/** A write under the state dir failed for a reason outside patchwalk. */
export class StateWriteError extends KnownCauseError {
  constructor(
    readonly code: string,
    readonly path: string,
    shown: string,
  ) {
    super(`${CAUSES[code]} writing ${shown}`);
  }

  /** What the operator can do about it: a run's own files mean the run is kept and can go on. */
  get hint(): string | undefined {
    const run = /(?:^|\/)runs\/(\d{8}-\d{6}-[0-9a-f]{4})\//.exec(shownPath(this.path))?.[1];
    return run ? `what was written before is kept; once the state dir can be written again, go on with: patchwalk resume ${run}` : undefined;
  }
}

interface Fault {
  code: string;
  suffix: string;
  skip: number;
}

let fault: Fault | undefined = parseFault(process.env[WRITE_FAULT_ENV]);

function parseFault(spec: string | undefined): Fault | undefined {
  const [code, suffix, skip] = (spec ?? '').split(':');
  return code && suffix ? { code, suffix, skip: Number(skip) || 0 } : undefined;
}

/** In-process test seam: the next writes to paths ending in `suffix` fail with `code`, after `skip` good ones. */
export function injectWriteFault(code: string | undefined, suffix = '', skip = 0): void {
  fault = code ? { code, suffix, skip } : undefined;
}

function maybeFail(path: string): void {
  if (!fault || !path.endsWith(fault.suffix)) return;
  if (fault.skip-- > 0) return;
  throw Object.assign(new Error(`${fault.code}: injected fault, write '${path}'`), { code: fault.code });
}

let root: string | undefined;

/** Paths in messages are shown relative to the state dir (`runs/ID/journal.jsonl`). */
export function setStateRoot(dir: string): void {
  root = dir;
}

export function shownPath(path: string): string {
  if (!root) return path;
  const inside = relative(root, path);
  return inside && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside) ? inside : path;
}

/** Runs a write; an errno with a known cause becomes a StateWriteError naming the file. */
export function writing<T>(path: string, write: () => T): T {
  try {
    maybeFail(path);
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && code in CAUSES) throw new StateWriteError(code, path, shownPath(path));
    throw error;
  }
}

export function openForWrite(path: string, flags: string): number {
  const mode = shared ? SHARED_FILE_MODE : FILE_MODE;
  return writing(path, () => {
    const fd = openSync(path, flags, mode);
    fixFileMode(fd, mode);
    return fd;
  });
}

export function writeAll(fd: number, text: string, path: string): void {
  writing(path, () => {
    writeSync(fd, text);
    fsyncSync(fd);
  });
}

/** A folder, 0700 (2770 shared) whatever the umask (mkdir's mode is reduced by the umask, so it is set again). */
export function makeDir(path: string): void {
  const mode = shared ? SHARED_DIR_MODE : DIR_MODE;
  writing(path, () => {
    const created = mkdirSync(path, { recursive: true, mode });
    if (created === undefined) return;
    // Every folder made, not only the deepest: recursive creation returns the first one.
    for (let dir = path; dir.length >= created.length; dir = dir.slice(0, Math.max(dir.lastIndexOf(sep), 0))) {
      chmodSync(dir, mode);
      if (dir === created) break;
    }
  });
}

/** A whole file via write-then-rename, never half of one, 0600. */
export function writeFileDurably(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writing(file, () => {
    const mode = shared ? SHARED_FILE_MODE : FILE_MODE;
    const fd = openSync(temporary, 'w', mode);
    try {
      fixFileMode(fd, mode);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  });
}

/** A system error with a known cause that escaped a command (a write outside these helpers), named. */
export function describeSystemError(error: unknown): string | undefined {
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  if (!code || !(code in CAUSES)) return undefined;
  return `${CAUSES[code]}${path ? ` ${syscall === 'open' || syscall === 'read' || syscall === 'scandir' ? 'opening' : 'writing'} ${shownPath(path)}` : syscall ? ` (${syscall})` : ''}`;
}
