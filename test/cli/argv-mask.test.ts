// A value given with --set is on patchwalk's own command line; other local users read that in ps.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';

describe('--set values on the command line', () => {
  it('are gone from /proc/PID/cmdline (what ps shows) while the run goes on; the names stay', async () => {
    const dir = tempDir();
    const started = join(dir, 'started');
    const file = writeRunbook(
      dir,
      'secret.yaml',
      `runbook: 1\ntitle: T\nparams:\n  pw: { prompt: Password, secret: true }\n  other: { prompt: Other }\nsteps:\n  - { id: wait, title: Wait, run: "touch ${started}; sleep 3" }\n`,
    );
    const run = patchwalk(['run', file, '--set', 'pw=hunter2-from-argv', '--set=other=x1y2', '--yes', '--plain']);
    expect(await waitFor(() => existsSync(started), 20_000)).toBe(true);
    const cmdline = readFileSync(`/proc/${run.pid}/cmdline`, 'utf8').replace(/\0+/g, ' ');
    expect(cmdline).not.toContain('hunter2-from-argv');
    expect(cmdline).not.toContain('x1y2');
    expect(cmdline).toContain('pw=…');
    expect((await run).exitCode).toBe(0);
  }, 30_000);
});
