// How a VM reads, in the console's table, line mode's table and `patchwalk vms`: one set of
// columns, the same cells, names made safe to draw.
import type { Vm } from '../engine/types.js';
import type { VmPlan } from '../engine/vm-plan.js';
import { printable } from './printable.js';

export const VM_COLUMNS = ['name', 'state', 'vCPU', 'memory', 'tags', 'planned action'] as const;
export type VmColumn = (typeof VM_COLUMNS)[number];
export type VmCells = Record<VmColumn, string>;
/** Dropped in this order when the console is too narrow for every column. */
export const OPTIONAL_VM_COLUMNS: VmColumn[] = ['tags', 'vCPU', 'memory'];

export function memoryText(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** The state with what the platform adds: `paused (io-error)`, `running, locked: backup`, `running, system`. */
export function stateText(vm: Vm): string {
  return printable(`${vm.state}${vm.detail ? ` (${vm.detail})` : ''}${vm.lock ? `, locked: ${vm.lock}` : ''}${vm.system ? ', system' : ''}`);
}

export function vmCells({ vm, action }: VmPlan): VmCells {
  return {
    name: printable(vm.name),
    state: stateText(vm),
    vCPU: String(vm.vcpus),
    memory: memoryText(vm.memory_mib),
    tags: printable(vm.tags.join(',')) || '-',
    'planned action': printable(action),
  };
}

/** A VM as one row of cells, in VM_COLUMNS order. */
export function vmRow(plan: VmPlan): string[] {
  const cells = vmCells(plan);
  return VM_COLUMNS.map((column) => cells[column]);
}

/**
 * The columns that fit a width, given what each costs: a cell's widest text plus `padding`
 * (ink-table pads one space either side and draws a border), plus `frame` for the outer border.
 */
export function columnsThatFit(rows: VmCells[], width: number, padding = 3, frame = 1): VmColumn[] {
  const need = (columns: VmColumn[]) => frame + columns.reduce((sum, column) => sum + padding + Math.max(column.length, ...rows.map((row) => row[column].length)), 0);
  let columns: VmColumn[] = [...VM_COLUMNS];
  for (const optional of OPTIONAL_VM_COLUMNS) {
    if (need(columns) <= width) break;
    columns = columns.filter((column) => column !== optional);
  }
  return columns;
}

/** The caption over the table: how many, how many running, and which slice is shown. */
/**
 * The table's caption. A rolling's table holds every member's VMs, so it says "in the cluster":
 * "on this host" there read as if the member being drained held all of them.
 */
export function vmCaption(plans: readonly VmPlan[], running: number, first: number, shown: number, where: 'on this host' | 'in the cluster' = 'on this host'): string {
  // The range comes first: on a narrow pane the end of the caption is what gets cut.
  if (plans.length > shown) return `── VMs ${first + 1}-${first + shown} of ${plans.length} · ${running} running · ↑↓ scroll`;
  return `── VMs ${where} · ${plans.length} VMs, ${running} running`;
}

/** The end of a run: every VM as it was before, as it is now, and whether it is back. */
export function vmsBeforeAfter(run: { vms?: Vm[]; vmsBefore?: Vm[] }): { name: string; before: string; after: string; back: boolean }[] {
  const now = new Map((run.vms ?? []).map((vm) => [vm.name, vm]));
  return (run.vmsBefore ?? []).map((before) => {
    const after = now.get(before.name);
    return { name: printable(before.name), before: before.state, after: after?.state ?? 'gone', back: after?.state === before.state };
  });
}
