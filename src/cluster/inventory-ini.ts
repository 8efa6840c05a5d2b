// Ansible INI inventories, read the way Ansible's ini plugin reads them: `[group]` sections of host
// lines (`name key=value…`, ranges such as kvm[01:12]), `[group:children]` and `[group:vars]`,
// hosts before any section in "ungrouped", `#` and `;` comment lines. No npm package parses this
// format and is kept up, so this small parser follows lib/ansible/plugins/inventory/ini.py.
import { expandHostPattern, HostPatternError } from './host-pattern.js';
import { Inventory, InventoryError } from './inventory-model.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/**
 * A host line split into words as Python's shlex (posix, with comments) does: quotes group, and
 * are removed; an unquoted `#` starts a comment.
 */
export function splitHostLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && (line[index + 1] === '"' || line[index + 1] === '\\')) word += line[++index];
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '#') {
      break;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (char === '\\' && index + 1 < line.length) {
      word += line[++index];
      inWord = true;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new Error('no closing quotation');
  if (inWord) words.push(word);
  return words;
}

/**
 * What Ansible's literal_eval makes of a value: a quoted Python string loses its quotes, and a
 * literal followed by a comment loses the comment; anything else is the text as written.
 */
export function iniValue(raw: string): string {
  const text = raw.trim();
  const literal = /^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([-+]?[0-9]+(?:\.[0-9]+)?|True|False|None))\s*(?:#.*)?$/.exec(text);
  if (!literal) return text;
  return literal[1] ?? literal[2] ?? literal[3] ?? text;
}

export function parseIniInventory(file: string, text: string): Inventory {
  const inventory = new Inventory(file);
  let group = 'ungrouped';
  let state = 'hosts';
  // [x:vars] before x is declared, and children named before their own section, as Ansible allows.
  const pending = new Map<string, { line: number; state: string; parent?: string }>();
  const declared = new Set<string>(['all', 'ungrouped']);
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const fail = (message: string): never => {
      throw new InventoryError(file, lineNumber, message);
    };
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const section = SECTION.exec(line);
    if (section) {
      group = section[1]!;
      state = section[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) fail(`section [${group}:${state}] has unknown type "${state}": expected [${group}], [${group}:children] or [${group}:vars]`);
      inventory.group(group, lineNumber);
      if (state !== 'vars') {
        declared.add(group);
        pending.delete(group);
      } else if (!declared.has(group) && !pending.has(group)) {
        pending.set(group, { line: lineNumber, state });
      }
      return;
    }
    if (line.startsWith('[')) fail(`bad section header ${line}: write [group], [group:children] or [group:vars], with no spaces`);
    if (state === 'hosts') {
      let words: string[];
      try {
        words = splitHostLine(line);
      } catch (error) {
        return fail(`cannot read host line: ${(error as Error).message}`);
      }
      const [pattern, ...assignments] = words;
      if (pattern === undefined) return;
      const vars = new Map<string, unknown>();
      for (const assignment of assignments) {
        const equals = assignment.indexOf('=');
        if (equals <= 0) fail(`expected key=value after the host name, got "${assignment}"`);
        vars.set(assignment.slice(0, equals), iniValue(assignment.slice(equals + 1)));
      }
      let expanded;
      try {
        expanded = expandHostPattern(pattern);
      } catch (error) {
        if (error instanceof HostPatternError) return fail(error.message);
        throw error;
      }
      if (expanded.port !== undefined && !vars.has('ansible_port')) vars.set('ansible_port', String(expanded.port));
      for (const host of expanded.hosts) inventory.addHost(group, host, lineNumber, vars);
    } else if (state === 'vars') {
      const equals = line.indexOf('=');
      if (equals <= 0) fail(`expected key=value in [${group}:vars], got "${line}"`);
      inventory.group(group, lineNumber).vars.set(line.slice(0, equals).trim(), iniValue(line.slice(equals + 1)));
    } else {
      const child = GROUP_NAME.exec(line)?.[1];
      if (child === undefined) return fail(`expected a group name in [${group}:children], got "${line}"`);
      inventory.addChild(group, child, lineNumber);
      if (!declared.has(child) && !pending.has(child)) pending.set(child, { line: lineNumber, state: 'children', parent: group });
    }
  });
  for (const [name, declaration] of pending) {
    if (declaration.state === 'vars') throw new InventoryError(file, declaration.line, `section [${name}:vars] is for group "${name}", which is not defined`);
    // A child group with no section of its own, which Ansible refuses.
    if (!inventory.groups.get(name)?.hosts.length) {
      throw new InventoryError(file, declaration.line, `[${declaration.parent}:children] names group "${name}", which is not defined`);
    }
  }
  return inventory;
}
