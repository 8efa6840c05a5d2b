// A CommandRunner that answers from recorded output, and remembers every argv it was given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOutput, CommandRunner } from '../../src/inventory/provider-exec.js';
import { ROOT } from '../helpers/cli.js';

export function fixture(path: string): string {
  return readFileSync(join(ROOT, 'test/fixtures', path), 'utf8');
}

export type Answer = Partial<CommandOutput> | ((argv: string[]) => Partial<CommandOutput>);

export function recorded(answer: (argv: string[]) => Answer | undefined) {
  const calls: string[][] = [];
  const run: CommandRunner = async (argv) => {
    calls.push(argv);
    let result = answer(argv);
    if (typeof result === 'function') result = result(argv);
    if (!result) return { exitCode: 127, stdout: '', stderr: `no recording for ${argv.join(' ')}` };
    return { exitCode: 0, stdout: '', stderr: '', ...result };
  };
  return { run, calls };
}
