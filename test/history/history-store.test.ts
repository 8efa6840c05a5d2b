// The history file: private, bounded to the newest HISTORY_RUNS_KEPT runs, one entry per run (a
// resumed run replaces its earlier entry), keyed by the runbook's real path, and never trusted
// when damaged. Dry runs and rehearsals are not history.
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFile, pastRunOf, readHistory, recordRun } from '../../src/history/history-store.js';
import { HISTORY_RUNS_KEPT } from '../../src/limits.js';
import { Run } from '../engine/harness.js';
import { tempDir } from '../helpers/cli.js';

const RUNBOOK = `
runbook: 1
title: H
steps:
  - { id: a, title: A, run: "true" }
  - { id: b, title: B, run: "false" }
`;

describe('history store', () => {
  it('keeps the newest runs, one entry per run, in a private file', () => {
    const root = tempDir('patchwalk-history-');
    const file = join(root, 'rb.yaml');
    writeFileSync(file, 'x');
    for (let index = 0; index < HISTORY_RUNS_KEPT + 10; index++) recordRun(root, file, { run: `r${index}`, at: index, steps: { a: index } });
    recordRun(root, file, { run: `r${HISTORY_RUNS_KEPT + 9}`, at: 999, steps: { a: 1 } });
    const history = readHistory(root, file);
    expect(history.runs).toHaveLength(HISTORY_RUNS_KEPT);
    expect(history.runs[0]?.run).toBe('r10');
    expect(history.runs.at(-1)).toEqual({ run: `r${HISTORY_RUNS_KEPT + 9}`, at: 999, steps: { a: 1 } });
    expect(statSync(historyFile(root, file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'history')).mode & 0o777).toBe(0o700);
  });

  it('finds the same history through a symlink, and starts afresh from a damaged file', () => {
    const root = tempDir('patchwalk-history-');
    const file = join(root, 'rb.yaml');
    writeFileSync(file, 'x');
    symlinkSync(file, join(root, 'link.yaml'));
    recordRun(root, file, { run: 'r1', at: 1, steps: { a: 5 } });
    expect(readHistory(root, join(root, 'link.yaml')).runs).toHaveLength(1);
    writeFileSync(historyFile(root, file), '{"v":1,"runbook":');
    expect(readHistory(root, file).runs).toEqual([]);
    recordRun(root, file, { run: 'r2', at: 2, steps: { a: 5 } });
    expect(JSON.parse(readFileSync(historyFile(root, file), 'utf8')).runs).toHaveLength(1);
  });

  it('takes the steps a run finished, and nothing from a dry run, a rehearsal or an unfinished run', () => {
    const run = new Run(RUNBOOK);
    expect(pastRunOf(run.state)).toBeUndefined();
    run.tick(1500).exec(0);
    run.tick(700).exec(1);
    run.answer('abort');
    expect(pastRunOf(run.state)).toEqual({ run: 'r1', at: 2200, steps: { a: 1500 } });
    expect(pastRunOf(run.state, { rehearsal: true })).toBeUndefined();
    const dry = new Run(RUNBOOK, { dryRun: true });
    expect(pastRunOf({ ...dry.state, endedAt: 5 })).toBeUndefined();
  });

  it('ignores a history folder other users could write to', () => {
    const root = tempDir('patchwalk-history-');
    const file = join(root, 'rb.yaml');
    writeFileSync(file, 'x');
    recordRun(root, file, { run: 'r1', at: 1, steps: { a: 5 } });
    mkdirSync(join(root, 'history'), { recursive: true, mode: 0o777 });
    chmodSync(join(root, 'history'), 0o777);
    expect(readHistory(root, file).runs).toEqual([]);
  });
});
