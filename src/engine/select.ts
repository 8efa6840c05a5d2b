// Which VMs a selector picks, and in which order they come back up.
import { globMatches } from '../runbook/safe-regex.js';
import type { SelectorSpec } from '../runbook/schema.js';
import type { Vm } from './types.js';

/** Platform start orders rank between the runbook's order and autostart (Proxmox orders are small integers). */
const PLATFORM_ORDER_SPAN = 1e9;


/** The VMs a selector picks. Named lists keep their own order; the rest keep the host's order. */
export function selectVms(
  vms: readonly Vm[],
  selector: SelectorSpec,
  stoppedByRun: readonly string[],
  snapshotted: readonly string[] = [],
): Vm[] {
  // VMs the platform manages itself (vCenter's vCLS) are never anyone's to select.
  const candidates = vms.some((vm) => vm.system) ? vms.filter((vm) => !vm.system) : vms;
  return pick(candidates, selector, stoppedByRun, snapshotted);
}

function pick(vms: readonly Vm[], selector: SelectorSpec, stoppedByRun: readonly string[], snapshotted: readonly string[]): Vm[] {
  const inOrder = (names: readonly string[]) => {
    const byName = new Map(vms.map((vm) => [vm.name, vm]));
    return [...new Set(names)].flatMap((name) => byName.get(name) ?? []);
  };
  if (Array.isArray(selector)) return inOrder(selector);
  if (selector === 'all') return vms.filter((vm) => vm.state !== 'migrated');
  if (selector === 'stopped-by-this-run') return inOrder(stoppedByRun);
  if (selector === 'snapshotted-by-this-run') return inOrder(snapshotted);
  if (selector.startsWith('tag:')) return vms.filter((vm) => vm.tags.includes(selector.slice(4)));
  if (selector.startsWith('name:')) {
    const glob = selector.slice(5);
    return vms.filter((vm) => globMatches(glob, vm.name));
  }
  return vms.filter((vm) => vm.state === selector);
}

/** Names in a list selector that are not on the host: worth a warning, not a failure. */
export function missingNames(vms: readonly Vm[], selector: SelectorSpec): string[] {
  if (!Array.isArray(selector)) return [];
  const present = new Set(vms.map((vm) => vm.name));
  return selector.filter((name) => !present.has(name));
}

/** The runbook's order first, then the platform's start order (Proxmox startup order=), then
 * autostart VMs, then the rest as selected. */
export function startOrder(selected: readonly Vm[], order: readonly string[] = []): Vm[] {
  const positions = new Map(order.map((name, index) => [name, index]));
  const rank = (vm: Vm): number => {
    const position = positions.get(vm.name);
    if (position !== undefined) return position;
    if (vm.startOrder !== undefined) return order.length + vm.startOrder / PLATFORM_ORDER_SPAN;
    return order.length + (vm.autostart ? 1 : 2);
  };
  return selected
    .map((vm, index) => ({ vm, index }))
    .sort((a, b) => rank(a.vm) - rank(b.vm) || a.index - b.index)
    .map(({ vm }) => vm);
}
