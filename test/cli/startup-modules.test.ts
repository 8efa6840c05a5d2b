// Start-up loads only what a command needs: quick commands must not pay for the console (Ink,
// React), the process runner (execa) or the runbook schema (zod). Timing lives in the bench
// (`node bench/run.js startup`); this asserts which modules load, which does not depend on load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from '../helpers/cli.js';
import { PtySession } from '../helpers/pty.js';

const TRACE_HOOK = join(ROOT, 'test', 'helpers', 'module-trace.mjs');
const HEAVY = ['ink', 'react', 'execa', 'zod', 'conf', 'meow'];

async function modulesLoadedBy(args: string[]): Promise<{ exitCode?: number; packages: Set<string>; files: string[] }> {
  const dir = tempDir('patchwalk-trace-');
  const trace = join(dir, 'modules.txt');
  const result = await execa('node', ['--import', TRACE_HOOK, CLI, ...args], {
    cwd: ROOT,
    reject: false,
    input: '',
    env: { PATCHWALK_MODULE_TRACE: trace, PATCHWALK_STATE_DIR: join(dir, 'state'), NO_COLOR: '1' },
  });
  const files = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  // A package counts whether it loads from node_modules or from its bundle in dist/vendor.
  const packages = new Set(files.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/|\/dist\/vendor\/([^/]+)\.js$/.exec(url)?.slice(1).filter(Boolean) ?? []));
  return { exitCode: result.exitCode, packages, files };
}

describe('start-up loads only what a command needs', () => {
  for (const args of [['--help'], ['runs'], ['runs', '--json'], ['schema']]) {
    it(`patchwalk ${args.join(' ')} loads none of ${HEAVY.join(', ')}`, async () => {
      const { exitCode, packages } = await modulesLoadedBy(args);
      expect(exitCode).toBe(0);
      expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
    });
  }

  it('patchwalk lint loads its bundle (schema, zod and yaml inside), and not the console or the process runner', async () => {
    const { exitCode, packages, files } = await modulesLoadedBy(['lint', 'runbooks/']);
    expect(exitCode).toBe(0);
    expect(files.some((url) => url.endsWith('/dist/commands/lint.bundle.js'))).toBe(true);
    // Nothing of lint's own is loaded a second time beside its bundle.
    expect(files.filter((url) => /\/dist\/(runbook|kinds|vendor)\/|\/node_modules\/(zod|yaml|re2js)\//.test(url))).toEqual([]);
    expect(['ink', 'react', 'execa'].filter((name) => packages.has(name))).toEqual([]);
  });

  it('lint from its bundle finds exactly what lint.js finds', async () => {
    type Lint = typeof import('../../src/commands/lint.js');
    const text = async (lint: Lint) => {
      let out = '';
      const code = await lint.lintPaths([join(ROOT, 'test', 'fixtures', 'lint'), join(ROOT, 'runbooks')], 'text', { write: (chunk: string) => ((out += chunk), true) } as NodeJS.WritableStream);
      return { code, out };
    };
    const bundled = await text((await import(pathToFileURL(join(ROOT, 'dist', 'commands', 'lint.bundle.js')).href)) as Lint);
    const unbundled = await text((await import(pathToFileURL(join(ROOT, 'dist', 'commands', 'lint.js')).href)) as Lint);
    expect(bundled.out).toContain('problem(s)');
    expect(bundled).toEqual(unbundled);
  });

  it('the trace does see heavy packages: run --dry-run loads execa', async () => {
    const { packages } = await modulesLoadedBy(['run', '--dry-run', '--yes', 'runbooks/demo.yaml']);
    expect(packages.has('execa')).toBe(true);
  });

  it('the console loads as one bundle: demo on a terminal loads no Ink or es-toolkit module of its own', async () => {
    const dir = tempDir('patchwalk-trace-');
    const trace = join(dir, 'modules.txt');
    const session = new PtySession(['demo'], { env: { NODE_OPTIONS: `--import=${TRACE_HOOK}`, PATCHWALK_MODULE_TRACE: trace, PATCHWALK_STATE_DIR: join(dir, 'state') } });
    try {
      await session.waitFor('TRAINING');
    } finally {
      session.kill();
    }
    const files = readFileSync(trace, 'utf8').split('\n');
    expect(files.some((url) => url.endsWith('/dist/ui/run-console.bundle.js'))).toBe(true);
    expect(files.filter((url) => /\/node_modules\/(ink|es-toolkit|react|@inkjs)\//.test(url))).toEqual([]);
  });
});
