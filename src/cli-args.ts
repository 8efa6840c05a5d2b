// The command line, read with node:util's parseArgs. meow did this before, but loading it cost
// about 30 ms on every start, a third of a `--help`. The flag table keeps meow's shape
// (camelCase names, shortFlag, isMultiple) so a flag is still one line in cli.tsx.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

interface FlagSpec {
  type: 'string' | 'boolean';
  shortFlag?: string;
  isMultiple?: boolean;
  default?: string | boolean | readonly string[];
}

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : S['isMultiple'] extends true ? string[] : string;
type Flags<T extends Record<string, FlagSpec>> = {
  [K in keyof T]: T[K]['default'] extends string | boolean | readonly string[] ? FlagValue<T[K]> : FlagValue<T[K]> | undefined;
};

export interface CommandLine<T extends Record<string, FlagSpec>> {
  input: string[];
  flags: Flags<T>;
  /** What `--help` and `--version` asked for, already answered: the caller only exits. */
  answered: boolean;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export function helpText(description: string, help: string): string {
  return `\n  ${description}\n${help.replace(/\s+$/, '')}\n\n`;
}

export function patchwalkVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Parses argv. A wrong flag is a UsageError (exit 2), named as the operator typed it. */
export function parseCommandLine<T extends Record<string, FlagSpec>>(
  argv: string[],
  spec: { description: string; help: string; flags: T },
  out: NodeJS.WritableStream,
): CommandLine<T> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
  };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[kebab(name)] = { type: flag.type, ...(flag.shortFlag ? { short: flag.shortFlag } : {}), ...(flag.isMultiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message}; see patchwalk --help`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    out.write(helpText(spec.description, spec.help));
    return { input: [], flags: {} as Flags<T>, answered: true };
  }
  if (values.version) {
    out.write(`${patchwalkVersion()}\n`);
    return { input: [], flags: {} as Flags<T>, answered: true };
  }
  const flags: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec.flags)) flags[name] = values[kebab(name)] ?? flag.default;
  return { input: parsed.positionals, flags: flags as Flags<T>, answered: false };
}
