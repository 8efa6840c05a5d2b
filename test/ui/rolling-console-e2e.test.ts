// The rolling in a real pseudo-terminal: `patchwalk demo --cluster` up to the first drain's plan,
// where the console shows "host 1 of 3", the member table and the placement plan; q then leaves
// the run resumable.
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, PtySession } from '../helpers/pty.js';
import { tempDir } from '../helpers/cli.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

describe('patchwalk demo --cluster in a terminal', () => {
  it('shows the hosts and the placement plan before anything moves, and q leaves it resumable', async () => {
    const s = (session = new PtySession(['demo', '--cluster'], { cols: 120, rows: 40, env: { PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: tempDir('patchwalk-pty-') } }));
    await s.waitFor('Press Enter to continue');
    await s.press(KEY.enter);
    let screen = await s.waitFor(/Press Enter to continue|Drain node2/, 30_000);
    if (!screen.includes('Drain node2')) {
      await s.press(KEY.enter);
      screen = await s.waitFor('Drain node2', 30_000);
    }
    screen = await s.waitFor('placement plan for node2');
    expect(screen).toContain('host 1 of 3 (node2)');
    expect(screen).toMatch(/▸ node2\s+draining\s+6/);
    expect(screen).toMatch(/node1\s+waiting\s+7/);
    expect(screen).toMatch(/web03\s+node2\s+node\d\s+4 GiB/);
    await s.press('q');
    await s.waitFor(/[Ll]eave/);
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(130);
  }, 60_000);
});
