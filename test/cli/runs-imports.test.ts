// `runs` must start fast (issue 10): its module loads no package at all, so no conf (ajv, semver),
// Ink, React, execa or zod. Checked on the build with a resolve hook that lists every module loaded.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

describe('runs start-up', () => {
  it('the runs command and the index load no package', async () => {
    const dir = tempDir('patchwalk-imports-');
    writeFileSync(join(dir, 'hook.mjs'), 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOAD ${r.url}\\n`); return r; }\n');
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`);
    const loaded = await execa('node', ['--import', join(dir, 'register.mjs'), '-e', `await import(${JSON.stringify(join(ROOT, 'dist/commands/runs.js'))})`]);
    const modules = String(loaded.stderr).split('\n').filter((line) => line.startsWith('LOAD '));
    expect(modules.length).toBeGreaterThan(3);
    expect(modules.filter((line) => line.includes('/node_modules/'))).toEqual([]);
  });
});
