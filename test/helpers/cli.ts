import { mkdtempSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Runs the built CLI the way a script or CI would: no terminal, stdin as given (closed by default). */
export function patchwalk(args: string[], { env, ...options }: Options & { input?: string } = {}) {
  return execa('node', [CLI, ...args], {
    cwd: ROOT,
    reject: false,
    input: options.input ?? '',
    ...options,
    // Each call gets a state dir of its own unless the test shares one: tests never touch the real home.
    env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: tempDir('patchwalk-state-'), ...env },
  });
}

export function tempDir(prefix = 'patchwalk-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeRunbook(dir: string, name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}
