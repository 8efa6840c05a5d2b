// A run's folder under the state dir: its journal, a copy of the runbook it started with, one
// output file (plus status and pid files) per command, and the simulated host's VM states.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DetachedFiles } from '../exec/detached.js';
import { runsDir } from './state-dir.js';

export class RunFolder {
  constructor(
    readonly root: string,
    readonly id: string,
  ) {}

  get dir(): string {
    return join(runsDir(this.root), this.id);
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

  create(): void {
    mkdirSync(this.stepsDir, { recursive: true });
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

export function runIds(root: string): string[] {
  const dir = runsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'journal.jsonl')));
}
