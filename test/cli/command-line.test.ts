// The command line as the operator types it: help, version, flags and their mistakes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli-args.js';
import { UsageError } from '../../src/exit-codes.js';
import { runbookJsonSchema } from '../../src/runbook/schema.js';
import { patchwalk } from '../helpers/cli.js';

const FLAGS = {
  set: { type: 'string', isMultiple: true, default: [] },
  dryRun: { type: 'boolean', default: false },
  yes: { type: 'boolean', shortFlag: 'y', default: false },
  format: { type: 'string' },
} as const;
const spec = { description: 'desc', help: '  Usage\n    $ x\n', flags: FLAGS };
const sink = () => {
  const chunks: string[] = [];
  return { chunks, stream: { write: (text: string) => chunks.push(text) } as unknown as NodeJS.WritableStream };
};

describe('parseCommandLine', () => {
  it('reads kebab-case flags into camelCase, repeats, short flags and defaults', () => {
    const { stream } = sink();
    const cli = parseCommandLine(['run', 'a.yaml', '--dry-run', '-y', '--set', 'a=1', '--set=b=2'], spec, stream);
    expect(cli).toEqual({ input: ['run', 'a.yaml'], flags: { set: ['a=1', 'b=2'], dryRun: true, yes: true, format: undefined }, answered: false });
    expect(parseCommandLine(['runs'], spec, stream).flags).toEqual({ set: [], dryRun: false, yes: false, format: undefined });
  });

  it('an unknown flag or a missing value is a usage error that names it', () => {
    const { stream } = sink();
    expect(() => parseCommandLine(['--bogus'], spec, stream)).toThrow(new UsageError("Unknown option '--bogus'; see patchwalk --help"));
    expect(() => parseCommandLine(['lint', '--format'], spec, stream)).toThrow(UsageError);
  });

  it('--help prints the description and the help, and answers', () => {
    const { chunks, stream } = sink();
    expect(parseCommandLine(['--help'], spec, stream).answered).toBe(true);
    expect(chunks.join('')).toBe('\n  desc\n  Usage\n    $ x\n\n');
  });
});

describe('the built CLI', () => {
  it('--help exits 0, no command prints the help and exits 2, --version prints the version', async () => {
    const help = await patchwalk(['--help']);
    expect([help.exitCode, String(help.stdout)]).toEqual([0, expect.stringContaining('$ patchwalk runs [--json]')]);
    const none = await patchwalk([]);
    expect([none.exitCode, String(none.stdout)]).toEqual([2, expect.stringContaining('Usage')]);
    const version = await patchwalk(['--version']);
    expect(String(version.stdout)).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('an unknown flag exits 2 with one line, no stack', async () => {
    const result = await patchwalk(['runs', '--bogus']);
    expect([result.exitCode, result.stderr]).toEqual([2, "patchwalk: Unknown option '--bogus'; see patchwalk --help"]);
  });

  it('schema prints the committed runbook.schema.json, which equals the schema in the code', async () => {
    const printed = JSON.parse(String((await patchwalk(['schema'])).stdout));
    expect(printed).toEqual(runbookJsonSchema());
  });
});
