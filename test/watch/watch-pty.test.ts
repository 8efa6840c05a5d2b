// `patchwalk watch` in a real terminal, following a run driven in another one: the same steps and
// output, the driver's question shown as waited on, and no key in the watcher changes the run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { KEY, PtySession } from '../helpers/pty.js';
import { allFiles, journalOf, onlyRun } from '../helpers/state.js';

const sessions: PtySession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.kill();
});

function open(args: string[], state: string): PtySession {
  const session = new PtySession(args, { cols: 110, rows: 32, env: { PATCHWALK_STATE_DIR: state, PATCHWALK_SIM_SPEED: '10' } });
  sessions.push(session);
  return session;
}

const RUNBOOK = `runbook: 1
title: Watched run
steps:
  - { id: hello, title: Say hello, run: "echo hello-from-driver; echo second-line-of-output" }
  - { id: ask, title: Ask to go on, confirm: "Go on with the last step?" }
  - { id: bye, title: Say bye, run: "echo bye-from-driver" }
`;

describe('patchwalk watch, in a terminal', () => {
  it('follows a run driven in another terminal: same steps and output, "waiting for", and no key changes the run', async () => {
    const dir = tempDir('patchwalk-watch-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'watched.yaml', RUNBOOK);
    const driver = open(['run', file], state);
    await driver.waitFor('Go on with the last step?');
    const run = onlyRun(state);
    // The whole state dir as the driver left it: the watcher must add or change nothing, not even the run index.
    const stateBefore = allFiles(state).sort();
    const indexBefore = readFileSync(join(state, 'index.json'), 'utf8');

    const watcher = open(['watch'], state);
    let screen = await watcher.waitFor('waiting for');
    expect(screen).toContain('Go on with the last step?');
    expect(screen).toContain('hello-from-driver');
    expect(screen).toContain('second-line-of-output');
    expect(screen).toContain('Say hello');
    expect(screen).toContain('Ask to go on');
    expect(screen).toContain('watching');
    // Who drives: the user the run-start record names.
    expect(screen).toContain(`driven by ${journalOf(run.dir).records[0]?.type === 'run-start' ? (journalOf(run.dir).records[0] as { operator: { user: string } }).operator.user : '?'}`);

    const journalBefore = readFileSync(join(run.dir, 'journal.jsonl'), 'utf8');
    const filesBefore = allFiles(run.dir).sort();
    await watcher.press('y', 'n', KEY.enter, ' ', 'a', 'v', 'v', KEY.pageUp, KEY.end);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(readFileSync(join(run.dir, 'journal.jsonl'), 'utf8')).toBe(journalBefore);
    expect(allFiles(run.dir).sort()).toEqual(filesBefore);
    expect(allFiles(state).sort()).toEqual(stateBefore);
    expect(readFileSync(join(state, 'index.json'), 'utf8')).toBe(indexBefore);
    expect(driver.text()).toContain('Go on with the last step?');
    expect(watcher.exitCode).toBeUndefined();

    // Search works as in the console's output pane.
    await watcher.press('/');
    await watcher.type('second-line');
    await watcher.press(KEY.enter);
    await watcher.waitFor('second-line-of-output');

    // The driver answers; the watcher follows to the end of the run.
    await driver.press('y');
    await driver.waitFor('Run complete');
    screen = await watcher.waitFor('bye-from-driver');
    await watcher.waitFor('Run complete');
    await watcher.press('q');
    expect(await watcher.wait()).toBe(0);
    await driver.press(KEY.enter);
    expect(await driver.wait()).toBe(0);
    // Nothing of the watcher's was left in the run folder.
    expect(readdirSync(run.dir).filter((name) => name.includes('watch'))).toEqual([]);
  }, 60_000);

  it('q leaves at once while the run goes on (exit 0), and Ctrl-C does too', async () => {
    const dir = tempDir('patchwalk-watch-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'watched.yaml', RUNBOOK);
    const driver = open(['run', file], state);
    await driver.waitFor('Go on with the last step?');
    const first = open(['watch', 'latest'], state);
    const second = open(['watch', onlyRun(state).id], state);
    await first.waitFor('waiting for');
    await second.waitFor('waiting for');
    await first.press('q');
    expect(await first.wait()).toBe(0);
    await second.press(KEY.ctrlC);
    expect(await second.wait()).toBe(0);
    expect(driver.exitCode).toBeUndefined();
    expect(driver.text()).toContain('Go on with the last step?');
  }, 60_000);
});

describe('patchwalk watch --plain', () => {
  it('prints the run as lines and follows it to its end (exit 0)', async () => {
    const dir = tempDir('patchwalk-watch-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'watched.yaml', RUNBOOK);
    const driver = open(['run', file], state);
    await driver.waitFor('Go on with the last step?');
    const watching = patchwalk(['watch', '--plain'], { env: { PATCHWALK_STATE_DIR: state }, timeout: 20_000 });
    let ended = false;
    void watching.then(() => (ended = true));
    // It keeps following while the driver is asked.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ended).toBe(false);
    await driver.press('y');
    const result = await watching;
    expect(result.exitCode).toBe(0);
    const out = String(result.stdout);
    expect(out).toContain('hello-from-driver');
    expect(out).toContain('waiting for');
    expect(out).toContain('Go on with the last step?');
    expect(out).toContain('bye-from-driver');
    expect(out.indexOf('hello-from-driver')).toBeLessThan(out.indexOf('bye-from-driver'));
    expect(out).toMatch(/run \S+ ended/);
    await driver.waitFor('Run complete');
    await driver.press(KEY.enter);
    expect(await driver.wait()).toBe(0);
  }, 60_000);

  it('prints a finished run whole and exits 0; a bad run id is a usage error (2)', async () => {
    const dir = tempDir('patchwalk-watch-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'done.yaml', RUNBOOK);
    const ran = await patchwalk(['run', file, '--yes'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(ran.exitCode).toBe(0);
    const watched = await patchwalk(['watch', 'latest'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(watched.exitCode).toBe(0);
    expect(watched.stdout).toContain('bye-from-driver');
    const bad = await patchwalk(['watch', '../etc'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('not a run id');
  }, 60_000);
});
