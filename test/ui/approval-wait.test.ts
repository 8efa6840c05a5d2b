// The console while a run waits for a second operator: it says so and names the command to type;
// q asks the quit question, Enter leaves the run resumable with the request standing, and the
// approval given meanwhile is taken on resume.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { KEY, PtySession } from '../helpers/pty.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

describe('waiting for approval in the console', () => {
  it('shows the wait; q then Enter leaves it resumable (exit 130); resume takes the approval given meanwhile', async () => {
    const dir = tempDir('patchwalk-approval-ui-');
    const state = join(dir, 'state');
    const file = writeRunbook(
      dir,
      'rb.yaml',
      `runbook: 1\ntitle: Approval\nsteps:\n  - { id: hello, title: Say hello, run: "echo approved-run", approval: { mode: two-person, allow_same_account: true } }\n`,
    );
    session = new PtySession(['run', file], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state } });
    const s = session;
    await s.waitFor('waiting for approval');
    await s.waitFor('patchwalk approve');
    await s.press('q');
    await s.waitFor('Quit?');
    await s.press(KEY.enter);
    expect(await s.wait()).toBe(130);
    const [id] = readdirSync(join(state, 'runs'));
    const records = readFileSync(join(state, 'runs', id!, 'journal.jsonl'), 'utf8');
    expect(records).toContain('"type":"approval-requested"');
    expect(records).not.toContain('"type":"exec-start"');
    const approve = await patchwalk(['approve', id!], { input: 'Carol\napprove\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(approve.exitCode, String(approve.stderr)).toBe(0);
    const resumed = await patchwalk(['resume', id!, '--plain'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(resumed.exitCode, `${String(resumed.stdout)}${String(resumed.stderr)}`).toBe(0);
    expect(resumed.stdout).toContain('approved by Carol (same account');
    expect(resumed.stdout).toContain('approved-run');
  }, 60_000);
});
