import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseJournal, type JournalRead } from '../../src/journal/journal-reader.js';
import { isRunId } from '../../src/journal/run-folder.js';

/** The one run in a state dir. */
export function onlyRun(stateDir: string): { id: string; dir: string } {
  // A staged folder (`.new-ID`) is a run that never wrote its first record: not a run.
  const ids = readdirSync(join(stateDir, 'runs')).filter(isRunId);
  if (ids.length !== 1) throw new Error(`expected one run in ${stateDir}, found ${ids.length}`);
  const id = ids[0]!; // exactly one, checked just above
  return { id, dir: join(stateDir, 'runs', id) };
}

export function journalOf(runDir: string): JournalRead {
  return parseJournal(readFileSync(join(runDir, 'journal.jsonl'), 'utf8'));
}

/** Every file under a folder, recursively. */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}
