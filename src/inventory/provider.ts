// What the run needs from a hypervisor, whichever it is.
import type { Vm, VmAction, VmResult, VmState } from '../engine/types.js';
import type { Command } from '../runbook/template.js';

export interface PowerRequest {
  action: VmAction;
  vms: string[];
  /** Per VM: a VM that has not reached its state by then is reported as timed out on its own. */
  timeoutMs: number;
  concurrency: number;
  to?: string;
  signal?: AbortSignal;
  onState: (name: string, state: VmState) => void;
}

export type SnapshotAction = 'create' | 'revert' | 'delete';

/** Named snapshots of VMs: taken before a patch, reverted after a failed one, deleted at cleanup. */
export interface SnapshotRequest {
  action: SnapshotAction;
  vms: string[];
  /** The snapshot's name, the same for every VM of the request. */
  name: string;
  /** create: include the guest's memory (a live snapshot); default false (disk only). */
  memory?: boolean;
  /** create: ask the guest agent to freeze filesystems first; default true where supported. */
  quiesce?: boolean;
  /** Per VM. */
  timeoutMs: number;
  concurrency: number;
  signal?: AbortSignal;
  /** A revert may change power state (a disk-only snapshot reverts to shut off). */
  onState: (name: string, state: VmState) => void;
}

export interface InventoryProvider {
  readonly kind: string;
  list(): Promise<Vm[]>;
  power(request: PowerRequest): Promise<VmResult[]>;
  /** Absent when the platform cannot snapshot; the engine then reports the step as unsupported. */
  snapshot?(request: SnapshotRequest): Promise<VmResult[]>;
}

export interface RebootRequest {
  host: string;
  waitMs: number;
  command?: Command;
  bootId?: Command;
  check?: Command;
  signal?: AbortSignal;
  onProgress: (text: string) => void;
}

export interface RebootResult {
  outcome: 'back' | 'timeout' | 'error';
  message?: string;
}

export interface HostControl {
  reboot(request: RebootRequest): Promise<RebootResult>;
}

/** Runs one task per VM with at most `limit` at a time, keeping the results in VM order. */
export async function forEachBounded<T>(names: string[], limit: number, task: (name: string) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const index = next++;
      results[index] = await task(names[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, names.length)) }, worker));
  return results;
}
