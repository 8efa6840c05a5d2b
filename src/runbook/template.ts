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
    const raw = match[1].trim();
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

function substitute(text: string, resolve: Resolve, encode: (value: string) => string): string {
  return text.replace(TEMPLATE, (_whole, inner: string) => {
    const raw = inner.trim();
    const value = PATH.test(raw) ? resolve(raw.split('.')) : undefined;
    if (!isData(value)) throw new TemplateError(raw);
    return encode(valueText(value));
  });
}

export function renderText(text: string, resolve: Resolve): string {
  return substitute(text, resolve, (value) => value);
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A command ready to run: argv for execa, or a shell string with every value quoted. */
export type Command = { shell: string } | { argv: string[] };

export function renderCommand(spec: CommandSpec, resolve: Resolve): Command {
  if (typeof spec === 'string') return { shell: substitute(spec, resolve, shellQuote) };
  return { argv: spec.map((part) => renderText(part, resolve)) };
}

/** How a command reads on screen and in dry-run output. */
export function commandText(command: Command): string {
  return 'shell' in command ? command.shell : command.argv.map(shellQuote).join(' ');
}
