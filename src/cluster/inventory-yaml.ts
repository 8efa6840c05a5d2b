// Ansible YAML inventories, read the way Ansible's yaml plugin reads them: top-level keys are
// groups (usually `all`), each with `hosts:` (a mapping of host patterns to their vars), `vars:`
// and `children:` (groups again, to any depth).
import { isAlias, isMap, isScalar, type Node, type Pair } from 'yaml';
import { RUNBOOK_MAX_ALIASES } from '../limits.js';
import { YamlSource } from '../runbook/yaml-source.js';
import { expandHostPattern, HostPatternError } from './host-pattern.js';
import { Inventory, InventoryError } from './inventory-model.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

export function parseYamlInventory(file: string, text: string): Inventory {
  const source = new YamlSource(text);
  const [syntax] = source.syntaxProblems();
  if (syntax) throw new InventoryError(file, syntax.line, syntax.message);
  const inventory = new Inventory(file);
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? source.positionOf(range[0]).line : 1;
  };
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(source.doc) : node);
  const keyText = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
  const toData = (node: unknown): unknown => (node && typeof (node as Node).toJS === 'function' ? (node as Node).toJS(source.doc, { maxAliasCount: RUNBOOK_MAX_ALIASES }) : node);

  const root = source.doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) throw new InventoryError(file, 1, 'the inventory is empty');
  if (!isMap(root)) throw new InventoryError(file, lineOf(root), 'a YAML inventory is a mapping of groups, such as all: { hosts: …, children: … }');
  if (root.items.some((pair) => keyText(pair) === 'plugin')) {
    throw new InventoryError(file, 1, 'this is an inventory plugin configuration, not an inventory: export one with ansible-inventory -i FILE --list --yaml');
  }

  const readGroup = (name: string, value: unknown, line: number, path: string[]) => {
    if (path.includes(name)) throw new InventoryError(file, line, `group "${name}" contains itself (${[...path, name].join(' → ')})`);
    inventory.group(name, line);
    const body = resolve(value);
    if (body === null || body === undefined || (isScalar(body) && body.value === null)) return;
    if (!isMap(body)) throw new InventoryError(file, lineOf(body), `group "${name}" must be a mapping with hosts, vars or children`);
    for (const pair of body.items) {
      const key = keyText(pair);
      const at = lineOf(pair.key);
      if (!GROUP_KEYS.includes(key)) throw new InventoryError(file, at, `group "${name}" has key "${key}": a group holds only hosts, vars and children`);
      const section = resolve(pair.value);
      if (section === null || section === undefined || (isScalar(section) && section.value === null)) continue;
      // `hosts: kvm01` is allowed for a single host, as Ansible allows.
      if (isScalar(section) && key !== 'vars') {
        const single = String(section.value);
        if (key === 'hosts') addHosts(name, single, at, undefined);
        else {
          inventory.addChild(name, single, at);
          readGroup(single, null, at, [...path, name]);
        }
        continue;
      }
      if (!isMap(section)) throw new InventoryError(file, lineOf(section), `"${key}" of group "${name}" must be a mapping`);
      for (const item of section.items) {
        const itemName = keyText(item);
        const itemLine = lineOf(item.key);
        if (key === 'vars') inventory.group(name, line).vars.set(itemName, toData(item.value));
        else if (key === 'hosts') addHosts(name, itemName, itemLine, resolve(item.value));
        else {
          inventory.addChild(name, itemName, itemLine);
          readGroup(itemName, item.value, itemLine, [...path, name]);
        }
      }
    }
  };

  const addHosts = (group: string, pattern: string, line: number, value: unknown) => {
    if (value !== null && value !== undefined && !(isScalar(value) && value.value === null) && !isMap(value)) {
      throw new InventoryError(file, lineOf(value), `host "${pattern}" must be followed by its vars as a mapping, or by nothing`);
    }
    const vars = new Map<string, unknown>();
    if (isMap(value)) for (const pair of value.items) vars.set(keyText(pair), toData(pair.value));
    let expanded;
    try {
      expanded = expandHostPattern(pattern);
    } catch (error) {
      if (error instanceof HostPatternError) throw new InventoryError(file, line, error.message);
      throw error;
    }
    if (expanded.port !== undefined && !vars.has('ansible_port')) vars.set('ansible_port', expanded.port);
    for (const host of expanded.hosts) inventory.addHost(group, host, line, vars);
  };

  for (const pair of root.items) readGroup(keyText(pair), pair.value, lineOf(pair.key), []);
  return inventory;
}
