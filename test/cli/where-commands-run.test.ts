// `run` refuses an on: host step it would run on the operator's own machine, and labels every
// command with where it runs.
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';

describe('where a command runs', () => {
  it('run refuses on: host without target.ssh, even with simulated VMs: exit 2, file:line, a fix, nothing recorded', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'sim.yaml', 'runbook: 1\ntitle: T\ninventory: { provider: sim }\nsteps:\n  - id: upgrade\n    title: Up\n    run: "true"\n    on: host\n');
    const result = await patchwalk(['run', file, '--yes', '--plain'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(`${file}:8:9: steps.upgrade.on: on: host runs the command over ssh at target.ssh, and this runbook has none: add target:`);
    expect(existsSync(join(state, 'runs')) ? readdirSync(join(state, 'runs')) : []).toEqual([]);
    const lint = await patchwalk(['lint', file]);
    expect(lint.exitCode).toBe(2);
  });

  it('line mode labels a local command with this machine\'s name', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'local.yaml', 'runbook: 1\ntitle: T\nsteps:\n  - { id: hi, title: Hi, run: "echo hi" }\n');
    const result = await patchwalk(['run', file, '--yes', '--plain']);
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain(`on this machine (${hostname()}) $ echo hi`);
    expect(String(result.stdout)).not.toContain('on the host');
  });
});
