// Start-up loads only what a command needs: quick commands must not pay for the console (Ink,
// React), the process runner (execa) or the runbook schema (zod). Timing lives in the bench
// (`node bench/run.js startup`); this asserts which modules load, which does not depend on load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('patchwalk lint loads the schema but not the console or the process runner', async () => {
    const { exitCode, packages, files } = await modulesLoadedBy(['lint', 'runbooks/']);
    expect(exitCode).toBe(0);
    expect(packages.has('zod')).toBe(true); // the trace sees packages at all
    expect(files.filter((url) => url.includes('/node_modules/zod/') || url.includes('/node_modules/yaml/'))).toEqual([]); // bundled
    expect(['ink', 'react', 'execa'].filter((name) => packages.has(name))).toEqual([]);
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
