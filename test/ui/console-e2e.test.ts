// The console in a real pseudo-terminal: `patchwalk demo` from start to finish with keystrokes.
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, PtySession } from '../helpers/pty.js';
import { tempDir } from '../helpers/cli.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

function start(cols: number, rows: number): PtySession {
  session = new PtySession(['demo'], { cols, rows, env: { PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: tempDir('patchwalk-pty-') } });
  return session;
}

/** The frame starts on the first row and never reaches the last one. */
function expectWholeFrame(s: PtySession) {
  const screen = s.screen();
  expect(screen[0]).toMatch(/^patchwalk /);
  expect(screen[1]).toMatch(/^host sim01 · step \d of 8/);
  expect(screen.at(-1)).toBe('');
}

describe('patchwalk demo in a terminal', () => {
  it('walks the whole demo: VM table, shutdown prompt, live output, typed reboot confirmation, summary', async () => {
    const s = start(80, 24);
    await s.waitFor('Host to patch [sim01]');
    await s.press(KEY.enter);

    let screen = await s.waitFor('Press Enter to continue');
    expect(screen).toContain('Read the release notes (note)');
    expect(screen).toContain('why: Patching a host affects every VM on it');
    expectWholeFrame(s);
    await s.press(KEY.enter);

    screen = await s.waitFor('planned action');
    expect(screen).toMatch(/│ cache01 │ running +│ 2 +│ 2 GiB +│ shut down +│/);
    expect(screen).toMatch(/│ build01 │ shut-off │ 8 +│ 16 GiB │ stays off +│/);
    expectWholeFrame(s);
    await s.waitFor('Press Enter to continue');
    // v swaps the VM table for the output, where the pending updates were listed.
    await s.press('v');
    screen = await s.waitFor('linux-image-amd64/stable-security');
    expect(screen).toContain('✓ done in');
    await s.press('v');
    await s.waitFor('planned action');
    await s.press(KEY.enter);

    screen = await s.waitFor('Shut down (graceful, up to 8s each): 4 VM(s)');
    expect(screen).toContain('❯ web01 ✔');
    expect(screen).toContain('Space tick');
    // Enter alone decides nothing at the shutdown set; y goes with the ticked VMs.
    await s.press(KEY.enter);
    await s.waitFor('an empty answer decides nothing here');
    await s.press('y');

    screen = await s.waitFor('cache01 did not shut down within 8s. What now?', 30_000);
    // Nothing is chosen for the operator: 1 (or ↓ then Enter) forces it off.
    expect(screen).toContain('1. Force power-off');
    expect(screen).not.toContain('❯ 1. Force power-off');
    await s.press('1');

    // Live output: the first package is on screen while the upgrade is still running.
    screen = await s.waitFor('Unpacking linux-image-amd64');
    expect(screen).not.toMatch(/│  Processing triggers for man-db/);
    expect(screen).toContain('▶ Apply updates');
    screen = await s.waitFor(/│  Processing triggers for man-db/);
    expect(screen).toContain('! update-initramfs: Generating');

    await s.waitFor('Type the host name to confirm');
    await s.type('sim02');
    await s.press(KEY.enter);
    screen = await s.waitFor('"sim02" is not sim01; type the host name exactly');
    expect(screen).toContain('▶ Reboot sim01');
    await s.type('sim01');
    await s.press(KEY.enter);

    screen = await s.waitFor('sim01 is patched', 30_000);
    expect(screen).toContain('» sim01 is back (boot id 2');
    await s.press(KEY.enter);

    screen = await s.waitFor('Run complete');
    expect(screen).toContain('steps: 8 done');
    expect(screen).toMatch(/build01 +shut-off +shut-off +ok/);
    expect(screen).toMatch(/cache01 +running +running +ok/);
    expectWholeFrame(s);
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(0);
  }, 90_000);

  it('redraws correctly when the terminal is resized mid-run', async () => {
    const s = start(100, 30);
    await s.waitFor('Host to patch');
    await s.press(KEY.enter);
    await s.waitFor('Press Enter to continue');
    s.resize(80, 24);
    await s.waitFor(/Enter continue[^\n]*\n$/);
    expectWholeFrame(s);
    expect(s.screen().filter((line) => line.startsWith('patchwalk '))).toHaveLength(1);
    s.resize(140, 40);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await s.waitFor('Read the release notes (note)');
    expectWholeFrame(s);
    expect(s.screen().filter((line) => line.startsWith('patchwalk '))).toHaveLength(1);
    expect(s.screen().findIndex((line) => line.startsWith('Enter continue'))).toBe(38);
    // q asks; "end now" (one down from "leave") ends the run.
    await s.press('q');
    await s.waitFor('Quit?');
    await s.press(KEY.down, KEY.enter);
    expect(await s.wait()).toBe(1);
  }, 60_000);

  it('Ctrl-C asks; Enter leaves the run resumable with exit 130 and the cursor shown again', async () => {
    const s = start(80, 24);
    await s.waitFor('Host to patch');
    await s.press(KEY.ctrlC);
    await s.waitFor('Quit?');
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(130);
    expect(s.tail.lastIndexOf('\u001B[?25h')).toBeGreaterThan(s.tail.lastIndexOf('\u001B[?25l'));
  }, 30_000);
});
