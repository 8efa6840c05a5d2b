// lint on hostile input: files that are not files, files too big, folders that loop, bytes that
// are not UTF-8, and runbooks big enough to exhaust the CLI's heap. Each must end with a clear
// message and exit 2, never hang and never crash.
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_MAX_BYTES } from '../../src/limits.js';
import { CLI, patchwalk, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';

const CLEAN = 'runbook: 1\ntitle: Clean\nsteps:\n  - { id: a, title: A, note: hi }\n';
/** Whatever makes a lint hang would otherwise stall the suite. */
const GUARD = { timeout: 60_000 };

/** The heap flags the installed CLI runs with, from its shebang. */
const HEAP_FLAGS = (readFileSync(CLI, 'utf8').split('\n')[0] ?? '').split(/\s+/).filter((word) => word.startsWith('--max-'));

interface Report {
  ok: boolean;
  files: number;
  problems: { file: string; line: number; col: number; message: string }[];
}

async function lintJson(paths: string[]): Promise<{ exitCode?: number; report: Report }> {
  const result = await patchwalk(['lint', ...paths, '--format', 'json'], GUARD);
  return { exitCode: result.exitCode, report: JSON.parse(String(result.stdout)) as Report };
}

describe('lint reads only regular files', () => {
  it('a FIFO named a.yaml, alone or in a folder, is refused at once', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'a.yaml')]);
    writeRunbook(dir, 'b.yaml', CLEAN);
    const message = 'cannot read runbook: is a named pipe (FIFO), not a regular file';
    expect(await lintJson([dir])).toEqual({ exitCode: 2, report: { ok: false, files: 2, problems: [{ file: join(dir, 'a.yaml'), line: 1, col: 1, field: '', message }], hints: [] } });
    const alone = await patchwalk(['lint', join(dir, 'a.yaml')], GUARD);
    expect([alone.exitCode, alone.stdout]).toEqual([2, `${join(dir, 'a.yaml')}:1:1: ${message}\n1 problem(s) in 1 of 1 runbook(s)`]);
  });

  it('/dev/zero is a device, not a runbook', async () => {
    const result = await patchwalk(['lint', '/dev/zero'], GUARD);
    expect([result.exitCode, result.stdout]).toEqual([2, '/dev/zero:1:1: cannot read runbook: is a device, not a regular file\n1 problem(s) in 1 of 1 runbook(s)']);
  });

  it('a file over the size cap is refused before it is parsed', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'huge.yaml', `${CLEAN}# ${'x'.repeat(RUNBOOK_MAX_BYTES)}\n`);
    const { exitCode, report } = await lintJson([file]);
    expect(exitCode).toBe(2);
    expect(report.problems).toEqual([
      {
        file,
        line: 1,
        col: 1,
        field: '',
        message: `runbook is too big: ${CLEAN.length + RUNBOOK_MAX_BYTES + 3} bytes; a runbook may be at most 2 MB (${RUNBOOK_MAX_BYTES} bytes), so split it into smaller runbooks`,
      },
    ]);
  });

  it('invalid UTF-8 names the file, line, column and byte offset', async () => {
    const dir = tempDir();
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('runbook: 1\ntitle: Café '), Buffer.from([0xe9]), Buffer.from('\nsteps: []\n')]));
    const result = await patchwalk(['lint', file], GUARD);
    expect(result.exitCode).toBe(2);
    expect(String(result.stdout).split('\n')[0]).toBe(
      `${file}:2:13: runbook is not valid UTF-8: byte 0xe9 at offset 24 is not part of a UTF-8 character; save the file as UTF-8`,
    );
  });
});

describe('lint walks each real path once', () => {
  it('two self-links (x.yaml -> ., y.yaml -> .) end the walk, and each runbook is reported once', async () => {
    const dir = tempDir();
    writeRunbook(dir, 'bad.yaml', 'runbook: 1\ntitle: Bad\nsteps: []\nstpes: []\n');
    writeRunbook(dir, 'good.yaml', CLEAN);
    symlinkSync('.', join(dir, 'x.yaml'));
    symlinkSync('.', join(dir, 'y.yaml'));
    const { exitCode, report } = await lintJson([dir]);
    expect(exitCode).toBe(2);
    expect(report.files).toBe(2);
    expect(report.problems.map((problem) => problem.file)).toEqual([join(dir, 'bad.yaml'), join(dir, 'bad.yaml')]);
  });

  it('a link loop through a subfolder reports its runbook once', async () => {
    const dir = tempDir();
    execFileSync('mkdir', ['-p', join(dir, 'sub', 'deeper')]);
    writeRunbook(join(dir, 'sub', 'deeper'), 'bad.yaml', 'runbook: 1\ntitle: Bad\nsteps: []\nstpes: []\n');
    symlinkSync('../..', join(dir, 'sub', 'deeper', 'up'));
    symlinkSync('..', join(dir, 'sub', 'back.yml'));
    const alone = await lintJson([join(dir, 'sub', 'deeper', 'bad.yaml')]);
    const { report } = await lintJson([dir, join(dir, 'sub')]);
    expect(report.files).toBe(1);
    expect(report.problems).toEqual(alone.report.problems);
  });

  it('a link to a runbook named twice is linted once', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'a.yaml', CLEAN);
    symlinkSync(file, join(dir, 'b.yaml'));
    const result = await patchwalk(['lint', file, join(dir, 'b.yaml'), dir], GUARD);
    expect([result.exitCode, result.stdout]).toEqual([0, '1 runbook(s) OK']);
  });
});

describe('lint fits the CLI heap', () => {
  /** Runs lint as the installed CLI does, with the heap flags of its shebang. */
  const lintUnderHeap = (file: string) => execa('node', [...HEAP_FLAGS, CLI, 'lint', file], { cwd: ROOT, reject: false, ...GUARD });

  it('the CLI caps its heap (so these tests test something)', () => {
    expect(HEAP_FLAGS).toContain('--max-old-space-size=96');
  });

  it('a 20k-step runbook under the size cap gets a clear message, not an out-of-memory crash', async () => {
    const dir = tempDir();
    const steps = Array.from({ length: 20_000 }, (_, i) => `  - { id: s${i}, title: Step ${i}, run: echo ${i} }\n`).join('');
    const file = writeRunbook(dir, 'big.yaml', `runbook: 1\ntitle: Big\nsteps:\n${steps}`);
    expect(readFileSync(file).length).toBeLessThan(RUNBOOK_MAX_BYTES);
    const result = await lintUnderHeap(file);
    expect(result.stderr).toBe('');
    expect([result.exitCode, result.stdout]).toEqual([
      2,
      `${file}:1:1: runbook is too big to check: it has more than 180000 YAML tokens (keys, values and punctuation), more than lint can check in its memory; split it into smaller runbooks\n1 problem(s) in 1 of 1 runbook(s)`,
    ]);
  });

  it('the costliest shape just under the token cap (nested flow lists) lints within the heap', async () => {
    const dir = tempDir();
    const item = `${'['.repeat(10)}a${']'.repeat(10)},`;
    const file = writeRunbook(dir, 'nested.yaml', `${CLEAN}extra: [${item.repeat(3300)}]\n`);
    const result = await lintUnderHeap(file);
    expect(result.stderr).toBe('');
    expect([result.exitCode, result.stdout]).toEqual([2, expect.stringMatching(/unknown key "extra"[^]*\n1 problem\(s\) in 1 of 1 runbook\(s\)$/)]);
  });
});
