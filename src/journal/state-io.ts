// Every write under the state dir goes through here: files are created 0600 and folders 0700
// whatever the umask, and a full disk or a read-only file system is named ("disk full writing
// runs/ID/journal.jsonl") instead of surfacing as an internal error.
//
// Test seam: PATCHWALK_TEST_WRITE_FAULT=CODE:SUFFIX[:SKIP] makes writes to paths ending in SUFFIX
// fail with errno CODE after SKIP good writes, in this process and in the supervisors it starts
// (a disk cannot be filled on demand in a test). `injectWriteFault` does the same in-process.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { KnownCauseError } from '../exit-codes.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
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
  return writing(path, () => openSync(path, flags, FILE_MODE));
}

export function writeAll(fd: number, text: string, path: string): void {
  writing(path, () => {
    writeSync(fd, text);
    fsyncSync(fd);
  });
}

/** A folder, 0700 whatever the umask (mkdir's mode is reduced by the umask, so it is set again). */
export function makeDir(path: string): void {
  writing(path, () => {
    const created = mkdirSync(path, { recursive: true, mode: DIR_MODE });
    if (created !== undefined) chmodSync(path, DIR_MODE);
  });
}

/** A whole file via write-then-rename, never half of one, 0600. */
export function writeFileDurably(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writing(file, () => {
    const fd = openSync(temporary, 'w', FILE_MODE);
    try {
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
