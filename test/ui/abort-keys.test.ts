// Only an explicit abort ends a running command: Ctrl-C then yes, or `a`, on a real terminal.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeRunbook } from '../helpers/cli.js';
import { isRunning, waitFor } from '../helpers/processes.js';
import { KEY, PtySession } from '../helpers/pty.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

function longRunbook(): { file: string; pidFile: string; state: string } {
  const dir = tempDir('patchwalk-abort-');
  const pidFile = join(dir, 'child.pid');
  const file = writeRunbook(dir, 'long.yaml', `runbook: 1\ntitle: Long\nsteps:\n  - { id: long, title: Long command, run: "sleep 300 & echo $! > ${pidFile}; echo started; wait" }\n`);
  return { file, pidFile, state: join(dir, 'state') };
}

async function childOf(pidFile: string): Promise<number> {
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000);
  return Number(readFileSync(pidFile, 'utf8'));
}

describe('the quit question in the console', () => {
  it('Ctrl-C asks it while a command runs: back keeps the command, end ends it and everything it started (exit 1)', async () => {
    const { file, pidFile, state } = longRunbook();
    session = new PtySession(['run', file], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    const child = await childOf(pidFile);
    await s.waitFor('started');
    await s.press(KEY.ctrlC);
    await s.waitFor('Quit?');
    // Leave (the default), end, back: back is two down.
    await s.press(KEY.down, KEY.down, KEY.enter);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isRunning(child)).toBe(true);
    expect(s.text()).not.toContain('Quit?');
    await s.press('q');
    await s.waitFor('Quit?');
    await s.press(KEY.down, KEY.enter);
    expect(await s.wait()).toBe(1);
    expect(await waitFor(() => !isRunning(child))).toBe(true);
  }, 40_000);

  it('q then Enter leaves the run resumable with its command still running (exit 130)', async () => {
    const { file, pidFile, state } = longRunbook();
    session = new PtySession(['run', file], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    const child = await childOf(pidFile);
    await s.waitFor('started');
    await s.press('q');
    await s.waitFor('Quit?');
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(130);
    expect(isRunning(child)).toBe(true);
    process.kill(child);
  }, 40_000);
});

describe('the quit question in line mode on a terminal', () => {
  it('Ctrl-C asks it while a command runs: back keeps the command, end ends it and everything it started (exit 1)', async () => {
    const { file, pidFile, state } = longRunbook();
    session = new PtySession(['run', file, '--plain'], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    const child = await childOf(pidFile);
    await s.waitFor('started');
    await s.press(KEY.ctrlC);
    await s.waitFor('Quit?');
    await s.press('back', KEY.enter);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isRunning(child)).toBe(true);
    await s.press(KEY.ctrlC);
    await s.waitFor(/Quit\?[\s\S]*Quit\?/);
    await s.press('end', KEY.enter);
    expect(await s.wait()).toBe(1);
    expect(await waitFor(() => !isRunning(child))).toBe(true);
  }, 40_000);

  it('Ctrl-C then Enter leaves the run resumable with its command still running (exit 130)', async () => {
    const { file, pidFile, state } = longRunbook();
    session = new PtySession(['run', file, '--plain'], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    const child = await childOf(pidFile);
    await s.waitFor('started');
    await s.press(KEY.ctrlC);
    await s.waitFor('Quit?');
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(130);
    expect(s.text()).toContain('patchwalk resume');
    expect(isRunning(child)).toBe(true);
    process.kill(child);
  }, 40_000);
});

it('in line mode, a then Enter aborts the running command at once', async () => {
  const { file, pidFile, state } = longRunbook();
  session = new PtySession(['run', file, '--plain'], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
  const child = await childOf(pidFile);
  await session.waitFor('started');
  await session.press('a', KEY.enter);
  expect(await session.wait()).toBe(130);
  expect(await waitFor(() => !isRunning(child))).toBe(true);
}, 40_000);
