// The state dir against hostile and unlucky conditions (issue 13), through the built CLI: a huge
// journal, a short secret, damaged files, a path for a run id, an edited runbook copy, a full disk.
import { chmodSync, closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';
import { onlyRun } from '../helpers/state.js';

const dir = tempDir('patchwalk-hardening-');

/**
 * The built CLI run as an operator runs it: through its shebang, so under its 96 MB heap cap.
 * `umask` is set by a shell first when given.
 */
function cli(args: string[], stateDir: string, options: { input?: string; env?: Record<string, string>; umask?: string } = {}) {
  const env = { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: stateDir, ...options.env };
  if (options.umask) return execa('sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, CLI, ...args], { cwd: ROOT, reject: false, input: options.input ?? '', env });
  return execa(CLI, args, { cwd: ROOT, reject: false, input: options.input ?? '', env });
}

const ASK = `runbook: 1
title: Ask on {{ host }}
params:
  host: { default: askhost }
  pw: { secret: true, default: "" }
target: { name: "{{ host }}" }
steps:
  - { id: first, title: First, run: "echo first; echo pw is {{ pw }}" }
  - { id: ask, title: Ask, confirm: "Go on?" }
  - { id: last, title: Last, run: "echo last" }
`;

/** A run left interrupted at its confirm prompt (stdin closed: exit 3). */
async function interruptedRun(name: string, set: string[] = []) {
  const stateDir = tempDir('patchwalk-hard-state-');
  const file = writeRunbook(dir, `${name}.yaml`, ASK);
  const first = await cli(['run', file, '--plain', ...set.flatMap((pair) => ['--set', pair])], stateDir);
  expect(first.exitCode, String(first.stderr)).toBe(3);
  return { stateDir, file, ...onlyRun(stateDir) };
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('a 62 MB journal (13.3)', () => {
  it('runs, report and resume read it in bounded memory, under the CLI heap cap', async () => {
    const { stateDir, id, dir: runDir } = await interruptedRun('big');
    // Pad the journal with 62 MB of records that change nothing, as a long run's records would.
    const question = 'x'.repeat(150);
    let block = '';
    for (let i = 0; i < 1000; i++) block += `${JSON.stringify({ type: 'prompt', at: Date.now(), step: 'ask', effect: 2, kind: 'confirm', question: `${question}${i}` })}\n`;
    const bytes = Buffer.from(block);
    const fd = openSync(join(runDir, 'journal.jsonl'), 'a');
    for (let written = 0; written < 62 * 1024 * 1024; written += bytes.length) writeSync(fd, bytes);
    closeSync(fd);

    const runs = await cli(['runs'], stateDir);
    expect([runs.exitCode, runs.stderr]).toEqual([0, '']);
    expect(runs.stdout).toMatch(new RegExp(`${id}\\s+interrupted\\s.*askhost\\s.*1/3\\s+Ask on askhost`));
    const report = await cli(['report', id, '--format', 'json'], stateDir);
    expect(report.exitCode, String(report.stderr)).toBe(0);
    expect(JSON.parse(String(report.stdout)).steps.map((step: { status: string }) => step.status)).toEqual(['done', 'interrupted', 'pending']);
    const resumed = await cli(['resume', id, '--plain'], stateDir);
    expect([resumed.exitCode, resumed.stderr]).toEqual([3, expect.stringContaining('input needed but none available: "Go on?"')]);
  }, 120_000);
});

describe('a secret shorter than 4 characters (13.4)', () => {
  it('--set pw=1 leaves a valid journal, masks the value itself, warns once, and runs still lists the run', async () => {
    const { stateDir, id, dir: runDir } = await interruptedRun('short-secret', ['pw=1']);
    const journal = lines(join(runDir, 'journal.jsonl'));
    for (const line of journal) expect(() => JSON.parse(line), line).not.toThrow();
    const start = JSON.parse(journal[0] ?? '{}');
    expect(start.params.pw).toBe('********');
    expect(String(start.at)).toMatch(/1/); // timestamps keep their digits
    const runs = await cli(['runs', '--json'], stateDir);
    expect(JSON.parse(String(runs.stdout)).map((run: { id: string }) => run.id)).toEqual([id]);
    // The warning is given once, at the start, and names the secret.
    const again = await cli(['run', writeRunbook(dir, 'short-again.yaml', ASK), '--plain', '--set', 'pw=ab'], tempDir('patchwalk-hard-state-'));
    expect(String(again.stderr).match(/shorter than 4 characters/g)).toHaveLength(1);
    expect(again.stderr).toContain('the secret pw is shorter than 4 characters');
  }, 60_000);
});

describe('damaged state (13.9)', () => {
  it('a corrupt index.json is rebuilt from the run folders: run works, runs lists every run and says so', async () => {
    const { stateDir, id, file } = await interruptedRun('corrupt-index');
    writeFileSync(join(stateDir, 'index.json'), '{"runs": {"');
    const second = await cli(['run', file, '--plain', '--set', 'host=other'], stateDir);
    expect(second.exitCode, String(second.stderr)).toBe(3);
    expect(second.stderr).not.toContain('internal error');
    writeFileSync(join(stateDir, 'index.json'), '\0\0\0garbage');
    const runs = await cli(['runs', '--json'], stateDir);
    expect(runs.exitCode).toBe(0);
    expect(runs.stderr).toContain('index.json was damaged; rebuilt from the run folders');
    const listed = JSON.parse(String(runs.stdout)) as { id: string; host: string }[];
    expect(listed).toHaveLength(2);
    expect(listed.map((run) => run.id)).toContain(id);
    expect(JSON.parse(readFileSync(join(stateDir, 'index.json'), 'utf8')).runs).toHaveProperty(id);
  }, 60_000);

  it('a garbage line in a journal is skipped with a notice; the run stays listed, reported and resumable', async () => {
    const { stateDir, id, dir: runDir } = await interruptedRun('garbage-line');
    const journal = join(runDir, 'journal.jsonl');
    const all = lines(journal);
    writeFileSync(journal, `${[all[0], 'this is not json {', ...all.slice(1)].join('\n')}\n`);
    const runs = await cli(['runs'], stateDir);
    expect(runs.stdout).toContain(id);
    expect(runs.stderr).toContain(`run ${id}: journal line 2 not a journal record; skipped`);
    const report = await cli(['report', id], stateDir);
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toContain('1 damaged line(s) skipped');
    const resumed = await cli(['resume', id, '--plain'], stateDir);
    expect(resumed.stderr).toContain('line 2 is not a journal record; skipped');
    expect(resumed.exitCode).toBe(3);
  }, 60_000);

  it('resume and report take only a run id or latest, never a path', async () => {
    const { stateDir, id } = await interruptedRun('ids');
    for (const name of ['../../x', '../runs/../runs/x', '/etc', 'x']) {
      for (const command of ['resume', 'report']) {
        const result = await cli([command, name], stateDir);
        expect([command, result.exitCode, result.stderr]).toEqual([command, 2, expect.stringContaining(`"${name}" is not a run id`)]);
      }
    }
    const latest = await cli(['report', 'latest', '--format', 'json'], stateDir);
    expect(JSON.parse(String(latest.stdout)).run.id).toBe(id);
  }, 60_000);
});

describe('the runbook copy (13.8)', () => {
  it('resume refuses a copy that does not match the sha256 in run-start, exit 2, naming the file', async () => {
    const { stateDir, id, dir: runDir } = await interruptedRun('edited-copy');
    const copy = join(runDir, 'runbook.yaml');
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('echo last', 'echo pwned'));
    const resumed = await cli(['resume', id, '--plain', '--yes'], stateDir);
    expect(resumed.exitCode).toBe(2);
    expect(resumed.stderr).toContain(`${copy} does not match the sha256 recorded when the run started`);
    expect(resumed.stdout).not.toContain('pwned');
  }, 60_000);
});

describe('the state dir (13.7)', () => {
  it('under umask 000 every folder is 0700 and every file 0600', async () => {
    const stateDir = join(tempDir('patchwalk-umask-'), 'state');
    const file = writeRunbook(dir, 'umask.yaml', ASK);
    const result = await cli(['run', file, '--plain', '--yes'], stateDir, { umask: '000' });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    await cli(['runs'], stateDir, { umask: '000' });
    const walk = (path: string): string[] => [path, ...(statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => walk(join(path, name))) : [])];
    const modes = walk(stateDir).map((path) => [path.slice(stateDir.length) || '/', (statSync(path).mode & 0o777).toString(8)]);
    expect(modes.length).toBeGreaterThan(8);
    for (const [path, mode] of modes) expect([path, mode]).toEqual([path, statSync(join(stateDir, path ?? '')).isDirectory() ? '700' : '600']);
  }, 60_000);

  it('refuses a world-writable runs/ with why and how to fix it, exit 1', async () => {
    const { stateDir } = await interruptedRun('world');
    chmodSync(join(stateDir, 'runs'), 0o777);
    for (const args of [['runs'], ['resume'], ['run', writeRunbook(dir, 'world.yaml', ASK), '--plain']]) {
      const result = await cli(args, stateDir);
      expect([args[0], result.exitCode, result.stderr]).toEqual([
        args[0],
        1,
        `patchwalk: refusing the state dir: every user can write to ${join(stateDir, 'runs')} (mode 0777), so anyone could plant or change runs and locks. Fix: chmod 700 ${join(stateDir, 'runs')}`,
      ]);
    }
  }, 60_000);
});

describe('errors name their cause (13.12)', () => {
  it('a full disk writing the journal is named, exit 1, not an internal error', async () => {
    const stateDir = tempDir('patchwalk-enospc-');
    const file = writeRunbook(dir, 'enospc.yaml', ASK);
    const result = await cli(['run', file, '--plain', '--yes'], stateDir, { env: { PATCHWALK_TEST_WRITE_FAULT: 'ENOSPC:journal.jsonl:3' } });
    const { id } = onlyRun(stateDir);
    expect([result.exitCode, result.stderr]).toEqual([1, expect.stringContaining(`patchwalk: disk full writing runs/${id}/journal.jsonl`)]);
    expect(result.stderr).toContain(`once the state dir can be written again, go on with: patchwalk resume ${id}`);
    expect(result.stderr).not.toContain('internal error');
  }, 60_000);

  it('a full disk during a command is named in the step, never shown as outcome unknown', async () => {
    const stateDir = tempDir('patchwalk-enospc-');
    const file = writeRunbook(
      dir,
      'enospc-out.yaml',
      `runbook: 1
title: Output on a full disk
target: { name: fullhost }
steps:
  - { id: noisy, title: Noisy, run: "echo one; echo two; echo three; exit 4", on_failure: abort }
`,
    );
    const result = await cli(['run', file, '--plain', '--yes'], stateDir, { env: { PATCHWALK_TEST_WRITE_FAULT: 'EROFS:.out:0' } });
    const { id } = onlyRun(stateDir);
    const out = `${result.stdout}${result.stderr}`;
    expect(result.exitCode).toBe(1);
    expect(out).not.toContain('outcome unknown');
    expect(out).toContain(`read-only file system writing runs/${id}/steps/001-noisy.out; the output after that was lost`);
    const end = lines(join(stateDir, 'runs', id, 'journal.jsonl')).map((line) => JSON.parse(line)).find((record) => record.type === 'exec-end');
    expect(end).toMatchObject({ exit_code: 4, error: expect.stringContaining('read-only file system') });
  }, 60_000);
});
