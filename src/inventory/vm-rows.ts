// The affected-VM table's columns, shared by line mode, `patchwalk vms` and the console.
import type { Vm } from '../engine/types.js';
import type { VmPlan } from '../engine/vm-plan.js';

export const VM_COLUMNS = ['name', 'state', 'vCPU', 'memory', 'tags', 'planned action'];

export function memoryText(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** The state with what the platform adds: `paused (io-error)`, `running, locked: backup`, `running, system`. */
export function stateText(vm: Vm): string {
  return `${vm.state}${vm.detail ? ` (${vm.detail})` : ''}${vm.lock ? `, locked: ${vm.lock}` : ''}${vm.system ? ', system' : ''}`;
}

export function vmRow({ vm, action }: VmPlan): string[] {
  return [vm.name, stateText(vm), String(vm.vcpus), memoryText(vm.memory_mib), vm.tags.join(',') || '-', action];
}
