// What the run needs from a hypervisor, whichever it is.
import type { Vm, VmAction, VmResult, VmState, SnapshotAction } from '../engine/types.js';
import type { Command } from '../runbook/template.js';
import type { Runbook } from '../runbook/schema.js';
import type { RemoteFlavour } from '../exec/ssh-transport.js';
import type { CommandRunner } from './provider-exec.js';
import type { HostCapacity } from '../cluster/capacity-parse.js';

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


export type { SnapshotAction };

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

export interface ListOptions {
  /**
   * Read each VM's tags (default true). Where tags cost a call per VM (libvirt's dumpxml), a caller
   * whose selectors never name a tag passes false and gets `tags: []`.
   */
  tags?: boolean;
}

export interface InventoryProvider {
  readonly kind: string;
  list(options?: ListOptions): Promise<Vm[]>;
  power(request: PowerRequest): Promise<VmResult[]>;
  /** Absent when the platform cannot snapshot; the engine then reports the step as unsupported. */
  snapshot?(request: SnapshotRequest): Promise<VmResult[]>;
  /** The host's room for migrated VMs (src/cluster/capacity-parse.ts); absent where it cannot be read. */
  capacity?(): Promise<HostCapacity>;
  /**
   * The cluster's own maintenance mode for a node: Proxmox HA node-maintenance, a Hyper-V failover
   * cluster's Suspend-ClusterNode -Drain / Resume-ClusterNode -Failback. Resolves once it holds.
   */
  maintenance?(node: string, on: boolean, options?: MaintenanceOptions): Promise<void>;
  /** Why VMs cannot live-migrate, by name, where the platform tells (libvirt: passthrough). */
  unmovable?(): Promise<Map<string, string>>;
}

export type { HostCapacity };

export interface MaintenanceOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
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

/** How a host of this platform is rebooted and how its boot is told apart, unless a step says. */
export interface RebootDefaults {
  command: Command;
  bootId: Command;
}

export type Inventory = NonNullable<Runbook['inventory']>;

/** The `inventory:` fields a provider reads besides `provider`. */
export type ProviderSetting = 'uri' | 'host' | 'node';

export interface SettingRule {
  /** A run cannot start without it; `missing` is then the whole error message. */
  required: boolean;
  missing?: string;
}

/** What a provider's factory is given, once the run's params have values. */
export interface ProviderContext {
  inventory: Inventory;
  /** `uri` and `node` with their templates expanded, when the runbook gives them. */
  uri?: string;
  node?: string;
  /** ssh providers: the expanded destination (`inventory.host`, or else `target.ssh`). */
  destination?: string;
  /** Runs the provider's tool: over ssh to `destination` for ssh providers, here otherwise. */
  run: CommandRunner;
  /** sim: where the run keeps the simulated host's state. */
  simStateFile?: string;
}

/**
 * Everything the rest of patchwalk knows about one provider, declared in the provider's own file
 * and collected by provider-registry.ts.
 */
export interface ProviderDescriptor {
  kind: string;
  settings: Partial<Record<ProviderSetting, SettingRule>>;
  /** Its tool runs on the host over ssh (to `inventory.host`, or else `target.ssh`). */
  ssh: boolean;
  /** How the host's shell behaves, for its tool and for `on: host` steps. */
  flavour: RemoteFlavour;
  reboot: RebootDefaults;
  create(context: ProviderContext): InventoryProvider;
  /** Its provider implements snapshot() (checked against the class by the registry's test). */
  snapshots: boolean;
  /** The provider is the host too (sim): built at once, and reboots through itself. */
  simulated?: boolean;
}

/** Runs one task per VM with at most `limit` at a time, keeping the results in VM order. */
export async function forEachBounded<T, I = string>(names: I[], limit: number, task: (name: I) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const index = next++;
      results[index] = await task(names[index] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, names.length)) }, worker));
  return results;
}
