// The affected-VM table's columns, shared by line mode, `patchwalk vms` and the console.
import type { VmPlan } from '../engine/vm-plan.js';

export const VM_COLUMNS = ['name', 'state', 'vCPU', 'memory', 'tags', 'planned action'];

export function memoryText(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

export function vmRow({ vm, action }: VmPlan): string[] {
  return [vm.name, vm.state, String(vm.vcpus), memoryText(vm.memory_mib), vm.tags.join(',') || '-', action];
}
