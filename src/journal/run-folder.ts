// A run's folder under the state dir: its journal, a copy of the runbook it started with, one
// output file (plus status and pid files) per command, and the simulated host's VM states.
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DetachedFiles } from '../exec/detached.js';
import { makeDir, openForWrite, writeAll, writing } from './state-io.js';
import { closeSync } from 'node:fs';
import { prepareStateDir, runsDir } from './state-dir.js';

/** The form `newRunId` gives (`20261126-165036-ab12`): the only names taken as a run, never a path. */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

export function isRunId(name: string): boolean {
  return RUN_ID.test(name);
}

export class RunFolder {
  /** True between `create` and `publish`: the folder exists only under a name no reader takes for a run. */
  private staged = false;

  constructor(
    readonly root: string,
    readonly id: string,
  ) {
    // Every caller has checked the id; this is the last guard against a path in its place.
    if (!isRunId(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
  }

  get dir(): string {
    return join(runsDir(this.root), this.staged ? `.new-${this.id}` : this.id);
  }
  get journal(): string {
    return join(this.dir, 'journal.jsonl');
  }
  get runbookCopy(): string {
    return join(this.dir, 'runbook.yaml');
  }
  get simHost(): string {
    return join(this.dir, 'sim-host.json');
  }
  get stepsDir(): string {
    return join(this.dir, 'steps');
  }

  exists(): boolean {
    return existsSync(this.journal);
  }

  /**
   * The folder and its steps folder, 0700, in a state dir that passed its checks. It is made under a
   * staging name, so a kill before the journal's first record leaves nothing `runs`, `resume` or
   * `watch` would take for a run; `publish` gives it its name.
   */
  create(): void {
    prepareStateDir(this.root, { create: true });
    this.staged = true;
    makeDir(this.stepsDir);
  }

  /** The staged folder, its journal holding run-start, under its run id: one rename, all or nothing. */
  publish(): void {
    if (!this.staged) return;
    const from = this.dir;
    this.staged = false;
    writing(this.dir, () => renameSync(from, this.dir));
  }

  /** The copy of the runbook the run started with, 0600; resume checks it against run-start's hash. */
  writeRunbookCopy(text: string): void {
    const fd = openForWrite(this.runbookCopy, 'wx');
    try {
      writeAll(fd, text, this.runbookCopy);
    } finally {
      closeSync(fd);
    }
  }

  /** Files for one start of one command: `steps/<effect>-<step>[.<n>].out|status|pid`. */
  commandFiles(effectId: number, stepId: string, attempt: number): DetachedFiles {
    const base = join(this.stepsDir, `${String(effectId).padStart(3, '0')}-${stepId}${attempt > 1 ? `.${attempt}` : ''}`);
    return { outFile: `${base}.out`, statusFile: `${base}.status`, pidFile: `${base}.pid` };
  }

  /** A path as the journal records it: relative to the run folder. */
  relative(path: string): string {
    return relative(this.dir, path);
  }

  resolve(path: string): string {
    return join(this.dir, path);
  }
}

/** The run folders that hold a journal; anything else under runs/ is not a run. */
export function runIds(root: string): string[] {
  const dir = runsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => isRunId(name) && existsSync(join(dir, name, 'journal.jsonl')));
}
