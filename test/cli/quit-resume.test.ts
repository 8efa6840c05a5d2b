// The worst moment in line mode: VMs are off, the operator quits. Every answer to the quit question
// ends the way it says, and a run that ended with VMs off can still bring them back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk, tempDir } from '../helpers/cli.js';

const RUNBOOK = 'test/fixtures/durable/demo-fast.yaml';
const ARGS = ['run', RUNBOOK, '--plain', '--set', 'ticket=CHG1', '--set', 'host=sim01'];

function runIdIn(state: string): string {
  const [id] = readdirSync(join(state, 'runs'));
  if (!id) throw new Error('no run');
  return id;
}

describe('quitting at the reboot question with four VMs off', () => {
  it('q then Enter leaves the run resumable (exit 130), and resume goes on from the reboot', async () => {
    const state = tempDir('patchwalk-quit-');
    // y: the shutdown set; force: cache01; then q at the typed host name, then Enter (leave).
    const first = await patchwalk(ARGS, { input: 'y\nforce\nq\n\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(first.stdout).toContain('This reboots sim01');
    expect(first.exitCode, String(first.stderr)).toBe(130);
    expect(first.stderr).toContain('patchwalk resume');
    const id = runIdIn(state);
    const runs = await patchwalk(['runs', '--json'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(JSON.parse(String(runs.stdout))[0]).toMatchObject({ id, state: 'interrupted' });
    const resumed = await patchwalk(['resume', id, '--plain'], { input: 'sim01\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(resumed.exitCode, `${String(resumed.stdout)}${String(resumed.stderr)}`).toBe(0);
  }, 60_000);

  it('an empty Enter at the typed host name asks again; q, then end, stops with the VMs off; resume offers to start them', async () => {
    const state = tempDir('patchwalk-quit-');
    const first = await patchwalk(ARGS, { input: 'y\nforce\n\nq\nend\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(first.stdout).toContain('an empty answer decides nothing here');
    expect(first.stdout).toMatch(/web01, web02, db01, cache01 are off because of this run\. Quit\?/);
    expect(first.exitCode).toBe(1);
    const id = runIdIn(state);
    const resumed = await patchwalk(['resume', id, '--plain'], { input: 'y\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(resumed.stdout).toContain('web01, web02, db01, cache01 are still off because of this run');
    const vms = await patchwalk(['report', id, '--format', 'json'], { env: { PATCHWALK_STATE_DIR: state } });
    const report = JSON.parse(String(vms.stdout));
    expect(JSON.stringify(report)).toContain('started 4 VM(s) this run had stopped');
  }, 60_000);

  it('q, then restore, starts exactly the VMs the run stopped before it ends', async () => {
    const state = tempDir('patchwalk-quit-');
    const first = await patchwalk(ARGS, { input: 'y\nforce\nq\nrestore\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(first.exitCode).toBe(1);
    expect(`${String(first.stdout)}${String(first.stderr)}`).toContain('started 4 VM(s) this run had stopped');
  }, 60_000);
});
