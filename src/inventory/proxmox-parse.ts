// Pure parsers for Proxmox VE's pvesh and qm output.
import type { VmState } from '../engine/types.js';

export interface ProxmoxVm {
  vmid: string;
  name: string;
  state: VmState;
  vcpus: number;
  memoryMib: number;
  tags: string[];
  template: boolean;
}

export function proxmoxState(status: string): VmState {
  switch (status.trim()) {
    case 'running':
      return 'running';
    case 'stopped':
      return 'shut-off';
    case 'paused':
    case 'suspended':
      return 'paused';
    default:
      return 'unknown';
  }
}

/** `pvesh get /nodes/NODE/qemu --output-format json`: an array of VMs, in no particular order. */
export function parseQemuList(text: string): ProxmoxVm[] {
  let data: unknown;
  try {
    data = JSON.parse(text.trim() || '[]');
  } catch {
    throw new Error(`pvesh printed something that is not JSON: ${text.trim().split('\n')[0].slice(0, 120)}`);
  }
  if (!Array.isArray(data)) throw new Error('pvesh did not print a list of VMs');
  return (data as Record<string, unknown>[])
    .map((item) => ({
      vmid: String(item.vmid),
      name: String(item.name ?? `VM ${item.vmid}`),
      state: proxmoxState(String(item.qmpstatus ?? item.status ?? '')),
      vcpus: Number(item.cpus ?? 0) || 0,
      memoryMib: Math.round(Number(item.maxmem ?? 0) / 1048576),
      // Tags are stored separated by ";" (older releases also wrote "," or spaces).
      tags: String(item.tags ?? '').split(/[;,\s]+/).filter(Boolean),
      template: item.template === 1 || item.template === '1',
    }))
    .sort((a, b) => Number(a.vmid) - Number(b.vmid));
}

/** `pvesh get /nodes/NODE/qemu/VMID/config --output-format json`: onboot and the startup order. */
export function parseQemuConfig(text: string): { onboot: boolean; order?: number } {
  const data = JSON.parse(text.trim() || '{}') as Record<string, unknown>;
  const order = /order=(\d+)/.exec(String(data.startup ?? ''))?.[1];
  return { onboot: data.onboot === 1 || data.onboot === '1', order: order === undefined ? undefined : Number(order) };
}

/** `qm status VMID`: "status: running". */
export function parseQmStatus(text: string): VmState {
  return proxmoxState(/status:\s*(\S+)/.exec(text)?.[1] ?? '');
}
