// Commands that outlive the terminal, the host lock, secrets, runs and report, driven through the built CLI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { TORN_MESSAGE } from '../../src/journal/journal-reader.js';
import { CLI, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';
import { isRunning, waitFor } from '../helpers/processes.js';
import { allFiles, journalOf, onlyRun } from '../helpers/state.js';

const dir = tempDir('patchwalk-durable-');

function spawnRun(args: string[], stateDir: string, input?: string) {
  return execa('node', [CLI, ...args], { cwd: ROOT, reject: false, input: input ?? '', env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: stateDir } });
}

const LONG = (host: string) => `runbook: 1
title: Long on ${host}
target: { name: ${host} }
steps:
  - { id: long, title: Twenty seconds, run: "for i in $(seq 1 20); do echo line $i; sleep 1; done; echo done >&2; exit 3", on_failure: abort }
  - { id: after, title: After, run: "echo after" }
`;

async function sighupDuringLongCommand(host: string, resumeWhileRunning: boolean) {
  const stateDir = tempDir('patchwalk-hup-');
  const file = writeRunbook(dir, `${host}.yaml`, LONG(host));
  const child = spawnRun(['run', file, '--plain'], stateDir);
  await waitFor(() => existsSync(join(stateDir, 'runs')) && allFiles(join(stateDir, 'runs')).some((path) => path.endsWith('.out') && readFileSync(path, 'utf8').includes('line 2')), 15_000);
  child.kill('SIGHUP');
  const first = await child;
  const { id, dir: runDir } = onlyRun(stateDir);
  const pid = JSON.parse(readFileSync(allFiles(runDir).find((path) => path.endsWith('.pid'))!, 'utf8')).command as number;
  if (!resumeWhileRunning) await waitFor(() => !isRunning(pid), 30_000);
  const stillRunning = isRunning(pid);
  const resumed = await spawnRun(['resume', id, '--plain'], stateDir);
  return { first, resumed, stillRunning, journal: journalOf(runDir), stateDir, id };
}

describe('commands that outlive the terminal', () => {
  it('SIGHUP during a 20-second command: the command finishes, and resume reports its real exit code and full output', async () => {
    const [afterEnd, whileRunning] = await Promise.all([sighupDuringLongCommand('hup-a', false), sighupDuringLongCommand('hup-b', true)]);
    for (const { first, resumed, journal } of [afterEnd, whileRunning]) {
      expect(first.exitCode).toBe(130);
      expect(first.stderr).toMatch(/SIGHUP: the command of step long keeps running \(pid \d+\); pick the run up again with: patchwalk resume /);
      expect(journal.records.find((record) => record.type === 'interrupted')).toMatchObject({ signal: 'SIGHUP', step: 'long', left_running: { pid: expect.any(Number) } });
      expect(resumed.exitCode).toBe(1);
      const out = String(resumed.stdout);
      for (let i = 1; i <= 20; i++) expect(out).toContain(`│ line ${i}\n`);
      expect(out).toContain('! done');
      expect(out).toContain('✗ failed');
      expect(out).toContain('(exit 3): exit code 3');
      expect(journal.records.filter((record) => record.type === 'exec-start')).toHaveLength(1);
    }
    expect(afterEnd.stillRunning).toBe(false);
    // Resumed while the command still ran: re-attached, replayed what came so far, then followed it live.
    expect(whileRunning.stillRunning).toBe(true);
    expect(whileRunning.resumed.stdout).toContain('re-attaching to the command');
    const report = JSON.parse(String((await spawnRun(['report', afterEnd.id, '--format', 'json'], afterEnd.stateDir)).stdout));
    expect(report.steps[0]).toMatchObject({ id: 'long', status: 'failed', exit_code: 3, output: { lines: 21 } });
    expect(report.run.interruptions).toEqual([{ at: expect.any(Number), signal: 'SIGHUP', step: 'long' }]);
  }, 90_000);

  it('Ctrl-C without a terminal ends the command tree and the run: nothing is left to resume', async () => {
    const stateDir = tempDir('patchwalk-int-');
    const file = writeRunbook(dir, 'int.yaml', LONG('int-host'));
    const child = spawnRun(['run', file, '--plain'], stateDir);
    await waitFor(() => existsSync(join(stateDir, 'runs')) && allFiles(join(stateDir, 'runs')).some((path) => path.endsWith('.out')), 15_000);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    const { id } = onlyRun(stateDir);
    const resumed = await spawnRun(['resume', id], stateDir);
    expect(resumed.stdout).toContain(`Run ${id} already ended: aborted`);
  }, 30_000);
});

describe('host lock', () => {
  it('refuses a second run against the same host with who holds it; a stale lock is taken over after confirmation or with --take-over', async () => {
    const stateDir = tempDir('patchwalk-lock-');
    const file = writeRunbook(dir, 'lock.yaml', LONG('lockhost'));
    const holder = spawnRun(['run', file, '--plain'], stateDir);
    const lockFile = join(stateDir, 'locks', 'lockhost.lock');
    await waitFor(() => existsSync(lockFile), 15_000);
    const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
    expect(lock).toMatchObject({ host: 'lockhost', user: expect.any(String), pid: holder.pid, runbook: file, started_at: expect.any(Number), hostname: expect.any(String) });
    expect(lock).toHaveProperty('ssh_client');

    const second = await spawnRun(['run', file, '--plain'], stateDir);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`patchwalk: lockhost is locked by another patchwalk run: run ${lock.run} by ${lock.user}`);
    expect(second.stderr).toContain(`pid ${holder.pid}`);
    expect(second.stderr).toContain(`runbook ${file}`);

    holder.kill('SIGKILL');
    await holder;
    // The killed run is interrupted and holds a stale lock: a new run says so and leads to resume.
    const declined = await spawnRun(['run', file, '--plain'], stateDir, 'n\n');
    expect(declined.exitCode).toBe(1);
    expect(declined.stdout).toContain(`patchwalk: lockhost has an interrupted run:\npatchwalk:   run ${lock.run}, "Long on lockhost", started by `);
    expect(declined.stdout).toContain('stopped at step 1, long (Twenty seconds)');
    expect(declined.stdout).toContain(`to go on with it: patchwalk resume ${lock.run}`);
    expect(declined.stdout).toContain(`Nothing was started or recorded. Go on with the interrupted run: patchwalk resume ${lock.run}`);
    const noInput = await spawnRun(['run', file, '--plain'], stateDir);
    expect(noInput.exitCode).toBe(3);
    expect(noInput.stderr).toContain(`nothing was started. Go on with: patchwalk resume ${lock.run}`);
    // Neither left a run behind: the killed one is still the only one.
    expect(onlyRun(stateDir).id).toBe(lock.run);

    const file2 = writeRunbook(dir, 'lock2.yaml', 'runbook: 1\ntitle: Quick\ntarget: { name: lockhost }\nsteps:\n  - { id: q, title: Q, run: "echo quick" }\n');
    const confirmed = await spawnRun(['run', file2, '--plain'], stateDir, 'y\n');
    expect([confirmed.exitCode, confirmed.stdout]).toEqual([0, expect.stringContaining(`Start a new run on lockhost anyway (run ${lock.run} stays interrupted)?`)]);
    expect(existsSync(lockFile)).toBe(false);

    // Stale again, then taken over from a script.
    writeFileSync(lockFile, JSON.stringify({ ...lock, pid: 999_999_999 }));
    const scripted = await spawnRun(['run', file2, '--plain', '--take-over'], stateDir);
    expect(scripted.exitCode).toBe(0);
  }, 60_000);
});

describe('secrets', () => {
  it('a secret param never appears in any file under the state dir, even across an interruption and a resume', async () => {
    const stateDir = tempDir('patchwalk-secret-');
    const token = 'hunter2-Zq9';
    const pin = 'pin-7731x';
    const file = writeRunbook(dir, 'secret.yaml', `runbook: 1
title: Secrets
params:
  token: { secret: true, pattern: "[a-z0-9Zq-]+" }
target: { name: secrethost }
steps:
  - { id: pin, title: PIN, input: { prompt: PIN, var: pin, secret: true } }
  - { id: use, title: Use, run: "echo token={{ token }} pin={{ pin }}; echo {{ token }} >&2; sleep 3", capture: out }
  - { id: show, title: Show, run: [echo, "{{ out }}"] }
`);
    const child = spawnRun(['run', file, '--plain', '--set', `token=${token}`], stateDir, `${pin}\n`);
    await waitFor(() => existsSync(join(stateDir, 'runs')) && allFiles(join(stateDir, 'runs')).some((path) => path.endsWith('.out') && readFileSync(path, 'utf8').includes('token=')), 15_000);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(130);
    const { id } = onlyRun(stateDir);
    const missing = await spawnRun(['resume', id, '--plain'], stateDir);
    expect([missing.exitCode, missing.stderr]).toEqual([3, expect.stringContaining('token is secret and was not kept in the journal')]);
    const resumed = await spawnRun(['resume', id, '--plain', '--set', `token=${token}`], stateDir, `${pin}\n`);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('│ token=******** pin=********');
    const report = await spawnRun(['report', id], stateDir);
    expect(report.stdout).toContain('token=******** pin=********');
    const files = allFiles(stateDir);
    expect(files.length).toBeGreaterThan(5);
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      expect(text.includes(token) || text.includes(pin), `${path} holds a secret`).toBe(false);
    }
    for (const text of [resumed.stdout, resumed.stderr, report.stdout]) expect(String(text)).not.toContain(token);
  }, 60_000);
});

describe('runs, resume and report', () => {
  it('runs lists runs newest first with their state, as a table and as JSON; report writes Markdown and JSON', async () => {
    const stateDir = tempDir('patchwalk-runs-');
    const quick = writeRunbook(dir, 'quick.yaml', 'runbook: 1\ntitle: Quick {{ host }}\nparams:\n  host: { default: q1 }\ntarget: { name: "{{ host }}" }\nsteps:\n  - { id: q, title: Q, run: "echo quick; echo warn >&2" }\n');
    expect((await spawnRun(['run', quick, '--plain'], stateDir)).exitCode).toBe(0);
    const stopped = await spawnRun(['run', writeRunbook(dir, 'ask.yaml', 'runbook: 1\ntitle: Ask\ntarget: { name: q2 }\nsteps:\n  - { id: a, title: A, confirm: Go? }\n'), '--plain'], stateDir);
    expect(stopped.exitCode).toBe(3);
    const json = JSON.parse(String((await spawnRun(['runs', '--json'], stateDir)).stdout));
    expect(json.map((run: { title: string; state: string }) => [run.title, run.state])).toEqual([
      ['Ask', 'interrupted'],
      ['Quick q1', 'done'],
    ]);
    const table = String((await spawnRun(['runs'], stateDir)).stdout).split('\n');
    expect(table[0]).toMatch(/^run +state +started \(UTC\) +host +operator +steps +title$/);
    expect(table[2]).toContain('interrupted');

    // resume with no run named picks the newest interrupted one.
    const resumed = await spawnRun(['resume', '--plain'], stateDir, 'y\n');
    expect([resumed.exitCode, resumed.stdout]).toEqual([0, expect.stringContaining(`Resuming run ${json[0].id}`)]);

    const md = String((await spawnRun(['report', json[1].id, '--format', 'md'], stateDir)).stdout);
    for (const expected of ['# Run report: Quick q1', '| Outcome | **done** |', '## Steps', '| 1 | Q (`q`) | done |', '## Output', '```text\nquick\n! warn\n```']) {
      expect(md).toContain(expected);
    }
    const data = JSON.parse(String((await spawnRun(['report', json[1].id, '--format', 'json'], stateDir)).stdout));
    expect(data).toMatchObject({ run: { id: json[1].id, host: 'q1', state: 'done' }, steps: [{ id: 'q', status: 'done', exit_code: 0 }] });
    expect((await spawnRun(['report', 'nope'], stateDir)).exitCode).toBe(2);
  }, 60_000);

  it('resume says when the runbook changed and asks; a torn last record is reported and ignored', async () => {
    const stateDir = tempDir('patchwalk-change-');
    const file = writeRunbook(dir, 'change.yaml', 'runbook: 1\ntitle: Change\ntarget: { name: c1 }\nsteps:\n  - { id: a, title: A, confirm: Go? }\n  - { id: b, title: B, run: "echo b" }\n');
    expect((await spawnRun(['run', file, '--plain'], stateDir)).exitCode).toBe(3);
    const { id, dir: runDir } = onlyRun(stateDir);
    writeFileSync(file, readFileSync(file, 'utf8').replace('echo b', 'echo changed'));
    writeFileSync(join(runDir, 'journal.jsonl'), `${readFileSync(join(runDir, 'journal.jsonl'), 'utf8')}{"type":"prompt","at":1,"st`);
    const declined = await spawnRun(['resume', id, '--plain'], stateDir, 'n\n');
    expect(declined.stderr).toContain(TORN_MESSAGE);
    expect(declined.stdout).toContain(`the runbook ${file} has changed since the run started`);
    expect(declined.exitCode).toBe(1);
    const resumed = await spawnRun(['resume', id, '--plain'], stateDir, 'y\ny\n');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('│ b');
    const journal = journalOf(runDir);
    expect(journal.torn).toBeUndefined();
    expect(journal.records.some((record) => record.type === 'torn-record')).toBe(true);
  }, 30_000);
});
