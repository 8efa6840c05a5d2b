// Go/no-go in the full-screen console, in a real pseudo-terminal: the header shows the ETA from
// history, Enter alone decides nothing, n (no-go) asks the quit question, g starts the step.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordRun } from '../../src/history/history-store.js';
import { tempDir, writeRunbook } from '../helpers/cli.js';
import { KEY, PtySession } from '../helpers/pty.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

function seeded(): { file: string; state: string } {
  const dir = tempDir('patchwalk-gonogo-console-');
  const file = writeRunbook(dir, 'short.yaml', 'runbook: 1\ntitle: Short window\nwindow: { duration: 1m }\nsteps:\n  - { id: work, title: Do the work, run: "echo working" }\n');
  const state = join(dir, 'state');
  for (const run of ['r1', 'r2', 'r3']) recordRun(state, file, { run, at: 1, steps: { work: 5 * 60_000 } });
  return { file, state };
}

describe('go/no-go in the console', () => {
  it('shows the ETA and the figures; Enter alone asks again; no-go offers the quit question (end: exit 1)', async () => {
    const { file, state } = seeded();
    session = new PtySession(['run', file], { cols: 110, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    await s.waitFor('Go or no-go for step work?');
    expect(s.text()).toMatch(/ends ~\d\d:\d\d, window ends \d\d:\d\d \(median of 3 runs\)/);
    expect(s.text().replace(/\s+/g, ' ')).toContain('work took a median of 5m00s in 3 runs');
    await s.press(KEY.enter);
    await s.waitFor('an empty answer decides nothing here');
    expect(s.text()).not.toContain('working');
    await s.press('n');
    await s.waitFor('Quit?');
    // Leave (the default), end, back.
    await s.press(KEY.down, KEY.enter);
    expect(await s.wait()).toBe(1);
  }, 40_000);

  it('g starts the step', async () => {
    const { file, state } = seeded();
    session = new PtySession(['run', file], { cols: 110, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    await s.waitFor('Go or no-go for step work?');
    await s.press('g');
    await s.waitFor('working');
    await s.waitFor('Run complete');
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(0);
  }, 40_000);
});
