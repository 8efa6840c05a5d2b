// Ansible host patterns: `kvm[01:12].example.net`, `node[a:f]`, `db[1:9:2]`, and `host:2222` with a
// port, expanded the way Ansible's expand_hostname_range and parse_address do, with a cap on how
// many hosts one pattern may make.
import { INVENTORY_RANGE_MAX_HOSTS } from '../limits.js';

export class HostPatternError extends Error {}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** A host pattern, then `:PORT`; a bracketed range may hold colons of its own. */
const HOST_PORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const BRACKETED_HOST_PORT = /^\[([0-9A-Fa-f:.]+)\]:([0-9]+)$/;

export interface ExpandedPattern {
  hosts: string[];
  port?: number;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HostPatternError(`port ${text} is not between 1 and 65535`);
  return port;
}

/** One `[begin:end(:step)]` range: its values, as text, in order. */
function rangeValues(spec: string, pattern: string): string[] {
  const bounds = spec.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostPatternError(`host range [${spec}] in ${pattern} must be [begin:end] or [begin:end:step]`);
  const [begin = '', end = '', stepText = '1'] = bounds;
  const from = begin || '0';
  if (!end) throw new HostPatternError(`host range [${spec}] in ${pattern} has no end`);
  if (!/^[1-9][0-9]*$/.test(stepText)) throw new HostPatternError(`host range [${spec}] in ${pattern}: the step must be a whole number of at least 1`);
  const step = Number(stepText);
  const fromLetter = LETTERS.indexOf(from);
  const toLetter = LETTERS.indexOf(end);
  if (from.length === 1 && end.length === 1 && fromLetter >= 0 && toLetter >= 0) {
    if (fromLetter > toLetter) throw new HostPatternError(`host range [${spec}] in ${pattern} must have begin <= end`);
    const count = Math.floor((toLetter - fromLetter) / step) + 1;
    if (count > INVENTORY_RANGE_MAX_HOSTS) throw new HostPatternError(tooMany(pattern));
    return Array.from({ length: count }, (_, index) => LETTERS[fromLetter + index * step]!);
  }
  if (!/^[0-9]+$/.test(from) || !/^[0-9]+$/.test(end)) {
    throw new HostPatternError(`host range [${spec}] in ${pattern} must be numbers ([01:12]) or single letters ([a:f])`);
  }
  // A leading zero says how wide every number is written, as in kvm[01:12].
  const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
  if (width && width !== end.length) throw new HostPatternError(`host range [${spec}] in ${pattern} must write begin and end with the same number of digits`);
  const first = Number(from);
  const last = Number(end);
  if (first > last) throw new HostPatternError(`host range [${spec}] in ${pattern} must have begin <= end`);
  const count = Math.floor((last - first) / step) + 1;
  if (count > INVENTORY_RANGE_MAX_HOSTS) throw new HostPatternError(tooMany(pattern));
  return Array.from({ length: count }, (_, index) => String(first + index * step).padStart(width, '0'));
}

function tooMany(pattern: string): string {
  return `host pattern ${pattern} makes more than ${INVENTORY_RANGE_MAX_HOSTS} hosts`;
}

function expandRanges(pattern: string, whole: string): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new HostPatternError(`host pattern ${whole} has [ without ]`);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const hosts: string[] = [];
  for (const value of rangeValues(pattern.slice(open + 1, close), whole)) {
    for (const host of expandRanges(`${head}${value}${tail}`, whole)) {
      hosts.push(host);
      if (hosts.length > INVENTORY_RANGE_MAX_HOSTS) throw new HostPatternError(tooMany(whole));
    }
  }
  return hosts;
}

/** The hosts a pattern names, and the port given after it, if any. */
export function expandHostPattern(pattern: string): ExpandedPattern {
  const text = pattern.trim();
  if (!text) throw new HostPatternError('empty host name');
  if (text.endsWith(':')) throw new HostPatternError(`host pattern ${text} ends in ":", which is reserved for a port`);
  if (text === '---') throw new HostPatternError('host "---" is a YAML document start: is this a YAML inventory with an .ini name?');
  if (text.split('[').length !== text.split(']').length) throw new HostPatternError(`host pattern ${text} has [ without ]`);
  const bracketed = BRACKETED_HOST_PORT.exec(text);
  if (bracketed && bracketed[1]!.includes(':')) return { hosts: [bracketed[1]!], port: portOf(bracketed[2]!) };
  // Colons outside ranges: one is a port; more make an IPv6 address.
  const outside = text.replace(/\[[^\]]*\]/g, '');
  const colons = outside.split(':').length - 1;
  if (colons > 1) return { hosts: [text] };
  const hostPort = colons === 1 ? HOST_PORT.exec(text) : null;
  if (colons === 1 && !hostPort) throw new HostPatternError(`host pattern ${text}: expected HOST or HOST:PORT`);
  const host = hostPort ? hostPort[1]! : text;
  const port = hostPort ? portOf(hostPort[2]!) : undefined;
  return { hosts: expandRanges(host, text), ...(port !== undefined ? { port } : {}) };
}
