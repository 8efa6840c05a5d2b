import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexRun, listRuns } from '../../src/journal/run-index.js';
import { tempDir } from '../helpers/cli.js';

const DEAD = 2 ** 22 + 12345; // above the default pid_max: never a live process

function makeRun(root: string, id: string, at: number, extra: object[] = []): string {
  const dir = join(root, 'runs', id);
  mkdirSync(join(dir, 'steps'), { recursive: true });
  const operator = { user: 'op', ssh_client: null, hostname: hostname(), pid: DEAD };
  const records = [
    { type: 'run-start', at, v: 1, run: id, runbook: { path: '/r.yaml', sha256: 'x', title: 'Patch {{ host }}', copy: 'runbook.yaml' }, params: { host: 'h1' }, secret_params: [], options: { yes: false, dry_run: false }, operator },
    { type: 'lock', at: at + 1, action: 'taken', host: 'h1' },
    { type: 'step-start', at: at + 2, step: 'a', index: 0, title: 'A' },
    { type: 'step-end', at: at + 3, step: 'a', status: 'done' },
    ...extra,
  ];
  const journal = join(dir, 'journal.jsonl');
  writeFileSync(journal, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  return journal;
}

describe('the run index (13.3, 13.9, issue 10)', () => {
  it('lists from the index and reads only what a journal gained since, never a whole journal again', () => {
    const root = tempDir('patchwalk-index-');
    const journal = makeRun(root, '20260101-000000-aaaa', 1000);
    indexRun(root, { id: '20260101-000000-aaaa', title: 'Patch {{ host }}', runbook: '/r.yaml', host: null, started_at: 1000, operator: 'op', steps_total: 3 });
    const first = listRuns(root);
    expect(first.runs).toMatchObject([{ id: '20260101-000000-aaaa', state: 'interrupted', title: 'Patch h1', host: 'h1', steps: { total: 3, done: 1 } }]);
    // Overwrite what was read already with bytes that are no journal at all (same length): a reader
    // that went through the whole journal again would lose the run; the index keeps it.
    const text = readFileSync(journal, 'utf8');
    writeFileSync(journal, `${'#'.repeat(text.length - 1)}\n`);
    appendFileSync(journal, `${JSON.stringify({ type: 'step-end', at: 1005, step: 'b', status: 'done' })}\n${JSON.stringify({ type: 'run-end', at: 1006, phase: 'done' })}\n`);
    const second = listRuns(root);
    expect(second.notices).toEqual([]);
    expect(second.runs).toMatchObject([{ id: '20260101-000000-aaaa', state: 'done', ended_at: 1006, steps: { total: 3, done: 2 } }]);
  });

  it('rebuilds a damaged index from the run folders and says so; indexRun starts a damaged index again', () => {
    const root = tempDir('patchwalk-index-');
    makeRun(root, '20260101-000000-aaaa', 1000);
    makeRun(root, '20260102-000000-bbbb', 2000);
    writeFileSync(join(root, 'index.json'), '{"runs": {"20260101-0');
    const listed = listRuns(root);
    expect(listed.runs.map((run) => run.id)).toEqual(['20260102-000000-bbbb', '20260101-000000-aaaa']);
    expect(listed.notices).toEqual([`${join(root, 'index.json')} was damaged; rebuilt from the run folders`]);
    expect(Object.keys(JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')).runs).sort()).toEqual(['20260101-000000-aaaa', '20260102-000000-bbbb']);
    writeFileSync(join(root, 'index.json'), 'null');
    expect(() => indexRun(root, { id: '20260103-000000-cccc', title: 't', runbook: '/r.yaml', host: null, started_at: 3000, operator: 'op', steps_total: 1 })).not.toThrow();
  });

  it('one bad run never breaks the list: a garbage line is skipped, an unreadable journal is left out, a non-id folder ignored', () => {
    const root = tempDir('patchwalk-index-');
    const journal = makeRun(root, '20260101-000000-aaaa', 1000);
    const lines = readFileSync(journal, 'utf8').split('\n');
    writeFileSync(journal, [lines[0], '{"broken', ...lines.slice(1)].join('\n'));
    makeRun(root, '20260102-000000-bbbb', 2000);
    mkdirSync(join(root, 'runs', '20260103-000000-cccc', 'journal.jsonl'), { recursive: true }); // a folder where the journal should be
    mkdirSync(join(root, 'runs', '..evil'), { recursive: true });
    writeFileSync(join(root, 'runs', '..evil', 'journal.jsonl'), '');
    const listed = listRuns(root);
    expect(listed.runs.map((run) => run.id)).toEqual(['20260102-000000-bbbb', '20260101-000000-aaaa']);
    expect(listed.runs[1]).toMatchObject({ title: 'Patch h1', steps: { done: 1 } });
    expect(listed.notices).toContain('run 20260101-000000-aaaa: journal line 2 not a journal record; skipped');
    expect(listed.notices.some((notice) => notice.startsWith('run 20260103-000000-cccc: journal cannot be read'))).toBe(true);
  });
});
