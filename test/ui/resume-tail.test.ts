// `resume` on a terminal opens the console on the live tail of the command it re-attaches to: the
// output so far is there to scroll back through, not replayed line by line past the operator.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeRunbook } from '../helpers/cli.js';
import { isRunning, waitFor } from '../helpers/processes.js';
import { KEY, PtySession } from '../helpers/pty.js';

const sessions: PtySession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function start(args: string[], state: string): PtySession {
  const s = new PtySession(args, { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
  sessions.push(s);
  return s;
}

describe('resume on a terminal', () => {
  it('opens the console on the tail of the re-attached command; PgUp reaches its first lines', async () => {
    const dir = tempDir('patchwalk-resume-tail-');
    const state = join(dir, 'state');
    const pidFile = join(dir, 'child.pid');
    // 300 numbered lines, then the command keeps running while no one watches.
    const file = writeRunbook(
      dir,
      'tail.yaml',
      `runbook: 1\ntitle: Tail\nsteps:\n  - { id: early, title: Early step, run: "echo early-output" }\n  - { id: long, title: Long output, run: "seq -f 'out-%04g' 1 300; sleep 120 & echo $! > ${pidFile}; wait" }\n`,
    );
    const first = start(['run', file], state);
    await first.waitFor('out-0300');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    // The connection drops; the command goes on.
    first.process.kill('SIGHUP');
    expect(await first.wait()).toBe(130);
    expect(isRunning(child)).toBe(true);

    const resumed = start(['resume'], state);
    // Every byte the console draws, until the tail is on screen: the head must not be among them.
    let drawn = '';
    let tailShown = false;
    resumed.process.onData((data) => {
      if (!tailShown) drawn += data;
    });
    const screen = await resumed.waitFor('out-0300');
    tailShown = true;
    expect(screen).toContain('Long output');
    expect(drawn).toContain('out-0300');
    expect(drawn).not.toContain('out-0001');
    expect(drawn).not.toContain('out-0100');

    // Earlier output is there to scroll back to.
    for (let page = 0; page < 20; page++) await resumed.press(KEY.pageUp);
    const top = await resumed.waitFor('out-0001');
    expect(top).not.toContain('out-0300');
    // And the steps before it, from before the drop.
    await resumed.waitFor('early-output');
    await resumed.press(KEY.end);
    await resumed.waitFor('out-0300');

    // End the run, and the command with it.
    await resumed.press('q');
    await resumed.waitFor('Quit?');
    await resumed.press(KEY.down, KEY.enter);
    expect(await resumed.wait()).toBe(1);
    expect(await waitFor(() => !isRunning(child), 10_000)).toBe(true);
  }, 90_000);
});
