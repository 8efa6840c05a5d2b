import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reduce } from '../../src/engine/engine.js';
import { JournalObserver } from '../../src/journal/journal-observer.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import type { JournalRecord } from '../../src/journal/records.js';
import { Secrets } from '../../src/journal/secrets.js';
import { injectWriteFault, StateWriteError } from '../../src/journal/state-io.js';
import { Run } from '../engine/harness.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const journalFile = () => join(mkdtempSync(join(tmpdir(), 'patchwalk-writer-')), 'journal.jsonl');
const typesIn = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as JournalRecord).type);
const observed = (vm: string): JournalRecord => ({ type: 'vm-state', at: 1, vm, from: 'running', to: 'shutting-down' });

afterEach(() => injectWriteFault(undefined));

describe('journal group commit', () => {
  it('writes every observation of one turn in one commit, at the end of the turn', async () => {
    const file = journalFile();
    const writer = new JournalWriter(file);
    for (let index = 0; index < 500; index++) writer.appendGrouped([observed(`vm${index}`)]);
    expect(writer.commits).toBe(0);
    await nextTurn();
    expect(writer.commits).toBe(1);
    expect(typesIn(file)).toHaveLength(500);
    writer.close();
  });

  it('puts waiting observations on disk before the next record, in the same commit and in order', () => {
    const file = journalFile();
    const writer = new JournalWriter(file);
    writer.appendGrouped([observed('a'), observed('b')]);
    writer.append({ type: 'effect-start', at: 2, step: 's', effect: 1, action: 'start VMs', detail: 'a, b' });
    expect(writer.commits).toBe(1);
    expect(typesIn(file)).toEqual(['vm-state', 'vm-state', 'effect-start']);
    writer.close();
  });

  it('tells its listeners of observations once their group commit is on disk', async () => {
    const writer = new JournalWriter(journalFile());
    const heard: string[] = [];
    writer.subscribe((records) => heard.push(...records.map((record) => record.type)));
    writer.appendGrouped([observed('a'), observed('b')]);
    expect(heard).toEqual([]);
    await nextTurn();
    expect(heard).toEqual(['vm-state', 'vm-state']);
    writer.appendGrouped([observed('c')]);
    writer.append({ type: 'notice', at: 3, level: 'info', text: 'next' });
    expect(heard).toEqual(['vm-state', 'vm-state', 'vm-state', 'notice']);
    writer.close();
  });

  it('drops waiting observations with everything else once the run is handed over', async () => {
    const file = journalFile();
    const writer = new JournalWriter(file);
    writer.append({ type: 'notice', at: 1, level: 'info', text: 'before' });
    writer.appendGrouped([observed('a')]);
    writer.stopWriting();
    await nextTurn();
    writer.close();
    expect(typesIn(file)).toEqual(['notice']);
  });

  it('writes what still waits when closed', () => {
    const file = journalFile();
    const writer = new JournalWriter(file);
    writer.appendGrouped([observed('a')]);
    writer.close();
    expect(typesIn(file)).toEqual(['vm-state']);
  });

  it('reports a group commit that failed in the background at the next write, naming the file', async () => {
    const writer = new JournalWriter(journalFile());
    injectWriteFault('ENOSPC', 'journal.jsonl');
    writer.appendGrouped([observed('a')]);
    await nextTurn();
    injectWriteFault(undefined);
    expect(() => writer.append({ type: 'notice', at: 3, level: 'info', text: 'next' })).toThrow(StateWriteError);
    writer.close();
  });

  it('the journal observer groups a power action\'s VM changes and commits every other event at once', async () => {
    const run = new Run('runbook: 1\ntitle: T\nsteps:\n  - { id: down, title: Down, shutdown: {} }\n', { yes: true }).inventory();
    const file = journalFile();
    const writer = new JournalWriter(file);
    const observer = new JournalObserver(writer, new Secrets());
    const effect = run.expectEffect('vm-power');
    observer.beforeEffect(effect, run.state);
    expect(writer.commits).toBe(1);
    for (const name of effect.vms) {
      const previous = run.state;
      run.state = reduce(run.state, { type: 'vm-state', name, state: 'shut-off', at: 1 });
      observer.event({ type: 'vm-state', name, state: 'shut-off', at: 1 }, run.state, previous);
    }
    expect(writer.commits).toBe(1);
    await nextTurn();
    expect(writer.commits).toBe(2);
    const previous = run.state;
    const done = { type: 'vm-power-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' as const })), at: 2 } as const;
    run.state = reduce(run.state, done);
    observer.event(done, run.state, previous);
    expect(writer.commits).toBe(3);
    expect(typesIn(file).filter((type) => type === 'vm-state')).toHaveLength(effect.vms.length);
    writer.close();
  });
});
