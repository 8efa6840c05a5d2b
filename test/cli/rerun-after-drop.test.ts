// A re-run after a dropped session leads to `resume`: `run` names the interrupted run and the
// command to go on with it, declining records nothing, and a bare `resume` picks the run with VMs
// down over an empty one. `latest`, expanded titles and dry-run marks in `runs`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';
import { allFiles } from '../helpers/state.js';

const dir = tempDir('patchwalk-rerun-');

function cli(args: string[], stateDir: string, input = '') {
  return execa('node', [CLI, ...args], { cwd: ROOT, reject: false, input, env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: stateDir } });
}

const runIds = (stateDir: string) => (existsSync(join(stateDir, 'runs')) ? readdirSync(join(stateDir, 'runs')).sort() : []);

const DROPPED = writeRunbook(
  dir,
  'drop.yaml',
  `runbook: 1
title: Patch {{ host }}
unattended: true
params: { host: { default: drophost } }
target: { name: "{{ host }}" }
inventory:
  provider: sim
  vms:
    - { name: web01, state: running }
    - { name: db01, state: running }
    - { name: build01, state: shut-off }
steps:
  - { id: down, title: Shut down, shutdown: { select: running } }
  - { id: upgrade, title: Apply updates, run: "sleep 2" }
  - { id: up, title: Start again, start: { select: stopped-by-this-run } }
`,
);
const ASKS = writeRunbook(dir, 'asks.yaml', 'runbook: 1\ntitle: Ask on {{ box }}\nparams: { box: { prompt: Which box } }\ntarget: { name: "{{ box }}" }\nsteps:\n  - { id: hi, title: Hi, run: "echo hi" }\n');

describe('a re-run after a drop', () => {
  it('run names the interrupted run and how to resume it; declining records nothing; resume picks the run with VMs down', async () => {
    const state = tempDir('patchwalk-rerun-state-');
    // A run dropped (SIGHUP) while its command runs, with web01 and db01 shut down.
    const first = cli(['run', DROPPED, '--yes', '--plain'], state);
    await waitFor(() => existsSync(join(state, 'runs')) && allFiles(join(state, 'runs')).some((path) => path.endsWith('.out')), 20_000);
    first.kill('SIGHUP');
    expect((await first).exitCode).toBe(130);
    const [dropped] = runIds(state);

    // An empty run, newer: stopped at its first question.
    expect((await cli(['run', ASKS, '--plain'], state)).exitCode).toBe(3);
    expect(runIds(state)).toHaveLength(2);

    const again = await cli(['run', DROPPED, '--yes', '--plain'], state, 'n\n');
    expect(again.exitCode).toBe(1);
    const said = String(again.stdout);
    expect(said).toContain(`patchwalk: drophost has an interrupted run:\npatchwalk:   run ${dropped}, "Patch drophost", started by `);
    expect(said).toContain('patchwalk:   stopped at step 2, upgrade (Apply updates)');
    expect(said).toContain('patchwalk:   VMs it took down, still not running: web01, db01');
    expect(said).toContain(`patchwalk:   to go on with it: patchwalk resume ${dropped}`);
    expect(said).toContain(`Nothing was started or recorded. Go on with the interrupted run: patchwalk resume ${dropped}`);
    expect(runIds(state)).toHaveLength(2);

    const resumed = await cli(['resume', '--plain'], state);
    expect(String(resumed.stdout)).toContain(`Resuming run ${dropped}`);
    expect(resumed.exitCode).toBe(0);
    // The run id at exit, with the command for its report.
    expect(String(resumed.stdout)).toContain(`run ${dropped} · the report: patchwalk report ${dropped}`);
  }, 90_000);

  it('report and resume take latest; runs shows titles filled in and marks dry runs', async () => {
    const state = tempDir('patchwalk-latest-');
    expect((await cli(['report', 'latest'], state)).stderr).toContain('no runs yet');
    const dry = await cli(['run', DROPPED, '--dry-run', '--yes', '--plain', '--set', 'host=kvm07'], state);
    expect(dry.exitCode).toBe(0);
    const [id] = runIds(state);
    expect(String(dry.stdout)).toContain(`run ${id} · the report: patchwalk report ${id}`);

    const report = JSON.parse(String((await cli(['report', 'latest', '--format', 'json'], state)).stdout));
    expect(report.run.id).toBe(id);
    expect((await cli(['resume', 'latest'], state)).stdout).toContain(`Run ${id} already ended: done`);

    const runs = String((await cli(['runs'], state)).stdout).split('\n');
    expect(runs[2]).toMatch(new RegExp(`^${id}\\s+done \\(dry run\\)\\s+.*Patch kvm07$`));
    const json = JSON.parse(String((await cli(['runs', '--json'], state)).stdout));
    expect(json[0]).toMatchObject({ id, title: 'Patch kvm07', dry_run: true });
    const index = JSON.parse(readFileSync(join(state, 'index.json'), 'utf8'));
    expect(index.runs[String(id)]).toMatchObject({ title: 'Patch kvm07', host: 'kvm07' });
  }, 60_000);
});
