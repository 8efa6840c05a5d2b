// kill -9 at random points of the (fast) demo run, then resume, until 30 kills have landed. Every
// kill must leave a journal that parses (a torn last line is tolerated and reported), no completed
// step may run twice, every answer must keep its value, and every run must reach the end.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { TORN_MESSAGE } from '../../src/journal/journal-reader.js';
import type { JournalRecord } from '../../src/journal/records.js';
import { CLI, ROOT, tempDir } from '../helpers/cli.js';
import { journalOf, onlyRun } from '../helpers/state.js';
import { runIds } from '../../src/journal/run-folder.js';

const RUNBOOK = join(ROOT, 'test/fixtures/durable/demo-fast.yaml');
const KILLS = 30;
const KILLS_PER_RUN = 6;
const SEED = Number(process.env.PATCHWALK_KILL_SEED ?? 20251125);

/** mulberry32: a small seeded generator, so a failure reproduces with the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function start(args: string[], stateDir: string) {
  return execa('node', [CLI, ...args], {
    cwd: ROOT,
    reject: false,
    input: 'CHG42\n',
    env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '20', PATCHWALK_STATE_DIR: stateDir },
  });
}

function checkRun(records: JournalRecord[], marker: string, why: string): void {
  // No completed step ran twice: each command left its mark exactly once...
  const marks = existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : [];
  expect(marks.sort(), `${why}: commands that ran`).toEqual(['pending', 'record CHG42', 'upgrade']);
  // ...and after a step ended done, nothing started it again.
  records.forEach((record, index) => {
    if (record.type !== 'step-end' || record.status !== 'done') return;
    const again = records.slice(index + 1).find((later) => (later.type === 'step-start' || later.type === 'exec-start' || later.type === 'effect-start') && later.step === record.step);
    expect(again, `${why}: step ${record.step} started again after it was done`).toBeUndefined();
  });
  // Every answered prompt kept its answer, and an answered operator prompt was not asked again.
  const answers = new Map<string, string>();
  for (const record of records) {
    if (record.type !== 'answer') continue;
    const key = `${record.step}: ${record.question}`;
    if (answers.has(key) && record.step === 'params') expect(record.answer, `${why}: ${key}`).toBe(answers.get(key));
    answers.set(key, record.answer);
  }
  expect(answers.get('params: Change ticket'), why).toBe('CHG42');
  const answeredAt = records.findIndex((record) => record.type === 'answer' && record.question === 'Change ticket');
  expect(records.slice(answeredAt + 1).some((record) => record.type === 'prompt' && record.question === 'Change ticket'), why).toBe(false);
  // The run reached the end, with every VM back as it was.
  expect(records.filter((record) => record.type === 'run-end').map((record) => (record as { phase: string }).phase), why).toEqual(['done']);
}

describe('kill -9 and resume', () => {
  it(`survives ${KILLS} kills at random points of the demo run (seed ${SEED})`, async () => {
    const random = seeded(SEED);
    let kills = 0;
    let torn = 0;
    let runs = 0;
    while (kills < KILLS) {
      runs++;
      const stateDir = tempDir('patchwalk-kill-');
      const marker = join(tempDir('patchwalk-marker-'), 'marks');
      let args = ['run', RUNBOOK, '--plain', '--yes', '--set', `marker=${marker}`];
      let killsThisRun = 0;
      let expectTorn = false;
      for (;;) {
        const child = start(args, stateDir);
        const letItFinish = killsThisRun >= KILLS_PER_RUN || kills >= KILLS;
        const delay = 200 + random() * 2300;
        const timer = letItFinish ? undefined : setTimeout(() => child.kill('SIGKILL'), delay);
        const result = await child;
        clearTimeout(timer);
        const why = `seed ${SEED}, run ${runs}, after ${killsThisRun} kill(s)`;
        if (expectTorn) expect(result.stderr, why).toContain(TORN_MESSAGE);
        if (result.signal === 'SIGKILL') {
          kills++;
          killsThisRun++;
          if (!existsSync(join(stateDir, 'runs')) || runIds(stateDir).length === 0) {
            args = ['run', RUNBOOK, '--plain', '--yes', '--set', `marker=${marker}`];
            continue;
          }
          const { id, dir } = onlyRun(stateDir);
          // The journal always parses; a torn last line is allowed, and the resume must say so.
          const read = journalOf(dir);
          expectTorn = read.torn !== undefined;
          if (expectTorn) torn++;
          args = ['resume', id, '--plain'];
          continue;
        }
        expect([result.exitCode, result.stderr], `${why}\n${result.stdout}`).toEqual([0, expect.anything()]);
        break;
      }
      const { dir } = onlyRun(stateDir);
      const read = journalOf(dir);
      expect(read.torn).toBeUndefined();
      checkRun(read.records, marker, `seed ${SEED}, run ${runs}`);
      const vmEnds = new Map<string, string>();
      for (const record of read.records) if (record.type === 'vm-state') vmEnds.set(record.vm, record.to);
      expect(Object.fromEntries(vmEnds)).toEqual({ web01: 'running', web02: 'running', db01: 'running', cache01: 'running', build01: 'shut-off' });
    }
    expect(kills).toBe(KILLS);
    console.log(`kill -9 test: ${kills} kills over ${runs} runs, ${torn} torn last record(s), seed ${SEED}`);
  }, 240_000);
});
