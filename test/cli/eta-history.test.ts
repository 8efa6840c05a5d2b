// ETA and go/no-go end to end: real sim runs through the built CLI, sharing one state dir, so the
// history each run leaves is what the next one plans with.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk as run, tempDir, writeRunbook } from '../helpers/cli.js';

/** The CLI's result with its output as text. */
async function patchwalk(...args: Parameters<typeof run>) {
  const result = await run(...args);
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const dir = tempDir('patchwalk-eta-');

const SIM_RUNBOOK = `
runbook: 1
title: Patch the sim host
window: { duration: 2h }
inventory:
  provider: sim
  vms:
    - { name: web01, state: running, shutdown_time: 1s }
steps:
  - id: pending
    title: List pending updates
    run: echo 3 upgradable
  - id: down
    title: Shut down the VMs
    shutdown: { select: running }
  - id: up
    title: Start them again
    start: { select: stopped-by-this-run }
`;

function journalOf(state: string, run: string): Record<string, unknown>[] {
  return readFileSync(join(state, 'runs', run, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const runIdOf = (stdout: string) => /run (\d{8}-\d{6}-[0-9a-f]{4}) · the report/.exec(stdout)?.[1] ?? '';

describe('ETA from history', () => {
  it('after three recorded runs, a fourth shows the ETA at each step, and history --json has the three runs', async () => {
    const state = tempDir('patchwalk-eta-state-');
    const env = { PATCHWALK_STATE_DIR: state };
    const file = writeRunbook(dir, 'sim.yaml', SIM_RUNBOOK);
    const first = await patchwalk(['run', file, '--plain', '--yes'], { env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('eta:');
    // A dry run takes no real time: it is not history.
    expect((await patchwalk(['run', file, '--plain', '--yes', '--dry-run'], { env })).exitCode).toBe(0);
    for (let index = 0; index < 2; index++) expect((await patchwalk(['run', file, '--plain', '--yes'], { env })).exitCode).toBe(0);

    const history = await patchwalk(['history', file, '--json'], { env });
    expect(history.exitCode).toBe(0);
    const figures = JSON.parse(history.stdout) as { runs: number; steps: { id: string; title: string; median_ms: number; min_ms: number; max_ms: number; runs: number }[] };
    expect(figures.runs).toBe(3);
    expect(figures.steps.map((step) => [step.id, step.title, step.runs])).toEqual([
      ['pending', 'List pending updates', 3],
      ['down', 'Shut down the VMs', 3],
      ['up', 'Start them again', 3],
    ]);
    for (const step of figures.steps) expect(step.min_ms <= step.median_ms && step.median_ms <= step.max_ms).toBe(true);

    const fourth = await patchwalk(['run', file, '--plain', '--yes'], { env });
    expect(fourth.exitCode, fourth.stderr).toBe(0);
    const etaLines = fourth.stdout.split('\n').filter((line) => line.startsWith('  eta: '));
    expect(etaLines).toHaveLength(3);
    expect(etaLines[0]).toMatch(/^ {2}eta: ends ~\d\d:\d\d, window ends \d\d:\d\d \(median of 3 runs\)$/);
    // The figures are journaled with the run, so a resume plans with what the run started with.
    const start = journalOf(state, runIdOf(fourth.stdout))[0] as { type: string; history?: { runs: number } };
    expect(start).toMatchObject({ type: 'run-start', history: { runs: 3 } });

    const text = await patchwalk(['history', file], { env });
    expect(text.stdout).toContain('4 recorded runs');
    expect(text.stdout).toMatch(/pending +\S+ +\S+ +\S+ +4 +List pending updates/);
    // Private like the rest of the state dir.
    const historyDir = join(state, 'history');
    expect(statSync(historyDir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(historyDir)) expect(statSync(join(historyDir, name)).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('history of a runbook never run says so; of a missing file is a usage error', async () => {
    const file = writeRunbook(dir, 'never.yaml', SIM_RUNBOOK);
    const none = await patchwalk(['history', file]);
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toContain('No recorded runs');
    const missing = await patchwalk(['history', join(dir, 'nope.yaml')]);
    expect(missing.exitCode).toBe(2);
  });
});

describe('go/no-go when the window is short', () => {
  const SHORT = `
runbook: 1
title: A short window
window: { duration: 1s }
steps:
  - id: work
    title: Do the work
    run: sleep 1
`;

  it('asks with the figures; Enter alone asks again; no-go offers the quit question; go runs the step', async () => {
    const state = tempDir('patchwalk-gonogo-state-');
    const env = { PATCHWALK_STATE_DIR: state };
    const file = writeRunbook(dir, 'short.yaml', SHORT);
    // No history yet: no question, only the window's own warning.
    const first = await patchwalk(['run', file, '--plain'], { env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('Go or no-go');

    const stopped = await patchwalk(['run', file, '--plain'], { env, input: '\nno-go\nend\n' });
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stdout).toMatch(/Go or no-go for step work\? work took a median of \S+ in 1 run; \S+ of the window left \(it would not fit in the window\)/);
    expect(stopped.stdout).toContain('an empty answer decides nothing here: answer go or no-go');
    expect(stopped.stdout).toContain('Quit?');
    expect(stopped.stdout).not.toContain('$ sleep 1');
    const journal = journalOf(state, runIdOf(stopped.stdout));
    expect(journal).toContainEqual(expect.objectContaining({ type: 'prompt', kind: 'go-no-go', step: 'work' }));
    expect(journal).toContainEqual(expect.objectContaining({ type: 'answer', step: 'work', answer: 'no-go', by: 'operator' }));
    expect(journal).toContainEqual(expect.objectContaining({ type: 'run-end', phase: 'aborted' }));

    const went = await patchwalk(['run', file, '--plain'], { env, input: 'go\n' });
    expect(went.exitCode, went.stderr).toBe(0);
    expect(went.stdout).toContain('Go or no-go for step work?');
    expect(went.stdout).toContain('$ sleep 1');
    // With no one to answer it, the run waits for input rather than going on by itself.
    const unanswered = await patchwalk(['run', file, '--plain', '--yes'], { env });
    expect(unanswered.exitCode).toBe(3);
    expect(unanswered.stderr).toContain('Go or no-go for step work?');
  }, 60_000);

  it('no-go then leave keeps the run resumable, and resume asks the same question again', async () => {
    const state = tempDir('patchwalk-gonogo-resume-');
    const env = { PATCHWALK_STATE_DIR: state };
    const file = writeRunbook(dir, 'short-resume.yaml', SHORT);
    expect((await patchwalk(['run', file, '--plain'], { env })).exitCode).toBe(0);
    const left = await patchwalk(['run', file, '--plain'], { env, input: 'no-go\nleave\n' });
    expect(left.exitCode).toBe(130);
    expect(left.stderr).toContain('patchwalk resume');
    const resumed = await patchwalk(['resume', '--plain'], { env, input: 'go\n' });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Go or no-go for step work?');
    expect(resumed.stdout).toContain('Run complete');
  }, 60_000);
});

describe('go/no-go before a reboot', () => {
  const REBOOT = `
runbook: 1
title: Reboot the sim host
unattended: true
inventory:
  provider: sim
  reboot_time: 1s
  vms:
    - { name: web01, state: running, shutdown_time: 1s }
steps:
  - id: down
    title: Shut down
    shutdown: { select: running }
  - id: reboot
    title: Reboot the host
    reboot: { confirm: yes-no }
  - id: up
    title: Start them again
    start: { select: stopped-by-this-run }
`;

  it('no-go, then "start the VMs this run stopped" brings them back and ends the run without rebooting', async () => {
    const state = tempDir('patchwalk-gonogo-reboot-');
    const env = { PATCHWALK_STATE_DIR: state };
    const file = writeRunbook(dir, 'reboot.yaml', REBOOT);
    expect((await patchwalk(['run', file, '--plain', '--yes'], { env })).exitCode).toBe(0);
    const stopped = await patchwalk(['run', file, '--plain'], { env, input: 'y\nno-go\nrestore\n' });
    expect(stopped.exitCode, stopped.stderr).toBe(1);
    expect(stopped.stdout).toMatch(/Go or no-go for step reboot\? reboot took a median of \S+ in 1 run \(the host reboots\)/);
    expect(stopped.stdout).toContain('web01 is off because of this run. Quit?');
    expect(stopped.stdout).toContain('started 1 VM(s) this run had stopped');
    expect(stopped.stdout).not.toContain('is going down');
    expect(stopped.stdout).toMatch(/web01 +running +running +ok/);
  }, 60_000);
});
