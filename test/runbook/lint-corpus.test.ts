// The lint corpus: every file in test/fixtures/lint is a runbook broken on purpose, and starts with
// one `# expect: LINE:COL: FIELD: MESSAGE` line per problem lint must report, in lint's order.
// test/fixtures/lint-ok holds runbooks that use every step kind and must lint clean.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadRunbookText } from '../../src/runbook/load.js';
import type { Problem } from '../../src/runbook/problem.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = join(ROOT, 'test', 'fixtures', 'lint');
const CLEAN = join(ROOT, 'test', 'fixtures', 'lint-ok');
const EXPECT = '# expect: ';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

/** The `# expect:` lines at the top of a fixture, without the prefix. */
function expectations(text: string): string[] {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith(EXPECT));
  return lines.slice(0, end === -1 ? lines.length : end).map((line) => line.slice(EXPECT.length));
}

/** `LINE:COL: FIELD: MESSAGE`, or `LINE:COL: MESSAGE` for a problem with no field. */
function describeProblem(problem: Pick<Problem, 'line' | 'col' | 'field' | 'message'>): string {
  return `${problem.line}:${problem.col}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

const corpus = yamlFiles(CORPUS);

describe('lint corpus', () => {
  it('has at least 40 broken runbooks', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it.each(corpus)('%s', (name) => {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    const expected = expectations(text);
    expect(expected.length, 'a fixture starts with at least one # expect: line').toBeGreaterThan(0);
    expect(text.split('\n').filter((line) => line.startsWith(EXPECT)), 'every # expect: line sits at the top').toHaveLength(expected.length);

    const result = loadRunbookText(name, text);
    expect(result.problems.map(describeProblem)).toEqual(expected);
    expect(result.runbook).toBeUndefined();
    for (const problem of result.problems) expect(problem.file).toBe(name);
  });

  it('lint --format json reports every expected problem of every file, and exits 2', async () => {
    const built = statSync(join(ROOT, 'dist', '.built')).mtimeMs; // touched by each build; tsc is incremental
    const sources = readdirSync(join(ROOT, 'src', 'runbook')).map((name) => statSync(join(ROOT, 'src', 'runbook', name)).mtimeMs);
    if (Math.max(...sources) > built) throw new Error('dist/ is older than src/runbook/: run `npm run build` (npm test does it first)');

    const result = await execa('node', ['dist/cli.js', 'lint', 'test/fixtures/lint', '--format', 'json'], { cwd: ROOT, reject: false });
    expect(result.exitCode).toBe(2);
    const report = JSON.parse(result.stdout) as { ok: boolean; files: number; problems: Problem[] };
    expect(report.ok).toBe(false);
    expect(report.files).toBe(corpus.length);

    const expected = corpus.flatMap((name) => {
      const file = relative(ROOT, join(CORPUS, name));
      return expectations(readFileSync(join(CORPUS, name), 'utf8')).map((line) => `${file}:${line}`);
    });
    for (const problem of report.problems) {
      expect(problem).toEqual({
        file: expect.any(String),
        line: expect.any(Number),
        col: expect.any(Number),
        field: expect.any(String),
        message: expect.any(String),
      });
    }
    expect(report.problems.map((problem) => `${problem.file}:${describeProblem(problem)}`)).toEqual(expected);
  }, 30_000);
});

describe('clean runbooks', () => {
  const clean = yamlFiles(CLEAN);

  it('exist', () => {
    expect(clean.length).toBeGreaterThanOrEqual(2);
  });

  it.each(clean)('%s lints clean', (name) => {
    const result = loadRunbookText(name, readFileSync(join(CLEAN, name), 'utf8'));
    expect(result.problems.map(describeProblem)).toEqual([]);
    expect(result.runbook).toBeDefined();
  });

  it('lint exits 0 on them', async () => {
    const result = await execa('node', ['dist/cli.js', 'lint', 'test/fixtures/lint-ok'], { cwd: ROOT, reject: false });
    expect(result.stdout).toBe(`${clean.length} runbook(s) OK`);
    expect(result.exitCode).toBe(0);
  }, 30_000);
});
