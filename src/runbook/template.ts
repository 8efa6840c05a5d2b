// `{{ name }}` templates. A value is data, never shell syntax: in a string command each value is
// shell-quoted, and in an argv list it stays inside its one argument.
import type { CommandSpec } from './schema.js';

const TEMPLATE = /\{\{(.*?)\}\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

export interface TemplateRef {
  /** The dotted name, split. Empty when the reference does not parse. */
  path: string[];
  raw: string;
  /** Offset of `{{` in the text. */
  offset: number;
}

export function templateRefs(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const match of text.matchAll(TEMPLATE)) {
    const raw = match[1]!.trim(); // TEMPLATE always captures group 1
    refs.push({ raw, path: PATH.test(raw) ? raw.split('.') : [], offset: match.index ?? 0 });
  }
  return refs;
}

export class TemplateError extends Error {
  constructor(readonly variable: string) {
    super(`template variable "${variable}" is not defined`);
  }
}

export type Resolve = (path: string[]) => unknown;

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(valueText).join(',');
  return String(value);
}

/**
 * Only data is a value. A function or a plain object can only come from a lookup that reached
 * Object.prototype (`{{ constructor }}`); it is undefined, never its source text.
 */
function isData(value: unknown): boolean {
  if (value === undefined || typeof value === 'function') return false;
  return typeof value !== 'object' || value === null || Array.isArray(value);
}

function substituteWith(text: string, resolve: Resolve, encode: (raw: string, value: string) => string): string {
  return text.replace(TEMPLATE, (_whole, inner: string) => {
    const raw = inner.trim();
    const value = PATH.test(raw) ? resolve(raw.split('.')) : undefined;
    if (!isData(value)) throw new TemplateError(raw);
    return encode(raw, valueText(value));
  });
}

function substitute(text: string, resolve: Resolve, encode: (value: string) => string): string {
  return substituteWith(text, resolve, (_raw, value) => encode(value));
}

export function renderText(text: string, resolve: Resolve): string {
  return substitute(text, resolve, (value) => value);
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A command ready to run: argv for execa, or a shell string with every value quoted. `env` is set
 * in the command's own environment only, and reaches it by a private channel, never an argv: it
 * holds the runbook's `env:` and the secret values the command refers to as "$PW_SECRET_n".
 */
export type Command = ({ shell: string } | { argv: string[] }) & { env?: Record<string, string> };

export interface CommandOptions {
  /** Names whose values must never appear in a command line (`secret` params and inputs). */
  secret?: (path: string[]) => boolean;
  /** The step's `env:`, each value a template. */
  env?: Record<string, string>;
}

export const SECRET_ENV_PREFIX = 'PW_SECRET_';

export function renderCommand(spec: CommandSpec, resolve: Resolve, options: CommandOptions = {}): Command {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? {})) env[name] = renderText(value, resolve);
  const names = new Map<string, string>();
  /** A secret becomes a quoted reference to a variable of the command's own environment. */
  const reference = (value: string) => {
    let name = names.get(value);
    if (!name) {
      name = `${SECRET_ENV_PREFIX}${names.size + 1}`;
      names.set(value, name);
      env[name] = value;
    }
    return `"$${name}"`;
  };
  const isSecret = (raw: string) => Boolean(options.secret && PATH.test(raw) && options.secret(raw.split('.')));
  const withEnv = (command: Command): Command => (Object.keys(env).length ? { ...command, env } : command);
  const encode = (quote: (value: string) => string) => (raw: string, value: string) => (isSecret(raw) ? reference(value) : quote(value));

  if (typeof spec === 'string') return withEnv({ shell: substituteWith(spec, resolve, encode(shellQuote)) });
  if (!spec.some((part) => templateRefs(part).some((ref) => isSecret(ref.raw)))) return withEnv({ argv: spec.map((part) => renderText(part, resolve)) });
  // An argv that holds a secret runs as `exec word…` through the shell, which expands the references.
  const words = spec.map((part) => {
    const pieces: string[] = [];
    let at = 0;
    for (const match of part.matchAll(TEMPLATE)) {
      if (match.index > at) pieces.push(shellQuote(part.slice(at, match.index)));
      const raw = match[1]!.trim(); // TEMPLATE always captures group 1
      const value = PATH.test(raw) ? resolve(raw.split('.')) : undefined;
      if (!isData(value)) throw new TemplateError(raw);
      pieces.push(isSecret(raw) ? reference(valueText(value)) : shellQuote(valueText(value)));
      at = match.index + match[0].length;
    }
    if (at < part.length) pieces.push(shellQuote(part.slice(at)));
    return pieces.join('') || "''";
  });
  return withEnv({ shell: `exec ${words.join(' ')}` });
}

/** How a command reads on screen and in dry-run output. */
export function commandText(command: Command): string {
  return 'shell' in command ? command.shell : command.argv.map(shellQuote).join(' ');
}
