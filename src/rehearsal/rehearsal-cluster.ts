// The cluster a cluster rehearsal runs against: a simulated copy of every member, seeded with each
// member's VMs where they sit. The real members are read once, read-only (each member's list(),
// and its spare room if its provider can tell), unless a saved inventory was given; what was read
// is kept in the run's folder, so a resumed rehearsal rebuilds the same cluster and asks nothing.
// Every migration, power change and member reboot after that happens on the simulated cluster only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemberFree, Vm, VmResult } from '../engine/types.js';
import type { HostControl, InventoryProvider, PowerRequest, RebootRequest, RebootResult } from '../inventory/provider.js';
import { SimCluster } from '../inventory/sim-cluster.js';
import { simSpeed } from '../inventory/sim-host.js';
import { writeFileDurably } from '../journal/state-io.js';
import { REHEARSAL_REBOOT_TIME } from '../limits.js';
import { keepRehearsalInventory, rehearsalInventoryPath, simSpec } from './rehearsal-host.js';

/** The file in a run's folder that keeps the room each simulated member has, and where it came from. */
export const REHEARSAL_CAPACITY_FILE = 'rehearsal-capacity.json';

export interface RehearsalCapacity {
  memory_mib: number;
  vcpus: number;
  /** `members`: read from the real members; `default`: none could be read, so room for every VM. */
  source: 'members' | 'default';
}

const USES_ROOM = new Set<Vm['state']>(['running', 'paused', 'starting', 'migrating', 'shutting-down']);

/**
 * The room of each simulated member. The simulated cluster gives every member the same room, so
 * each gets the largest a real member has (its free room plus what its VMs use). Without figures
 * from the members, each member gets room for every VM of the cluster: a rehearsal then never
 * stops on a shortfall the real cluster might have, which the notice says.
 */
export function rehearsalCapacity(vms: readonly Vm[], free: readonly MemberFree[] | undefined): RehearsalCapacity {
  if (free && free.length > 0) {
    let memory = 0;
    let vcpus = 0;
    for (const member of free) {
      const on = vms.filter((vm) => vm.host === member.name && USES_ROOM.has(vm.state));
      memory = Math.max(memory, member.memory_free_mib + on.reduce((sum, vm) => sum + vm.memory_mib, 0));
      vcpus = Math.max(vcpus, member.vcpus_free + on.reduce((sum, vm) => sum + vm.vcpus, 0));
    }
    return { memory_mib: memory, vcpus, source: 'members' };
  }
  return {
    memory_mib: Math.max(1, vms.reduce((sum, vm) => sum + Math.max(1, vm.memory_mib), 0)),
    vcpus: Math.max(1, vms.reduce((sum, vm) => sum + Math.max(1, vm.vcpus), 0)),
    source: 'default',
  };
}

export const capacityNotice = (capacity: RehearsalCapacity): string =>
  `rehearsal: the members' free room could not be read, so each simulated member has room for every VM (${capacity.memory_mib} MiB, ${capacity.vcpus} vCPUs); a shortfall of the real cluster will not show`;

/** The simulated cluster, answering list() with every field the real members gave. */
class SeededCluster extends SimCluster {
  constructor(
    private readonly seed: readonly Vm[],
    members: string[],
    capacity: RehearsalCapacity,
    stateFile: string | undefined,
  ) {
    super({
      members,
      vms: seed.map((vm) => ({ ...simSpec(vm), ...(vm.host ? { host: vm.host } : {}), ...(vm.unmovable ? { local_disk: true } : {}) })),
      capacity: { memory_mib: capacity.memory_mib, vcpus: capacity.vcpus },
      rebootTime: REHEARSAL_REBOOT_TIME,
      speed: simSpeed(),
      stateFile,
    });
  }

  override async list(): Promise<Vm[]> {
    const now = this.placement();
    return this.seed.map((vm) => ({ ...vm, state: now[vm.name]?.state ?? vm.state, host: now[vm.name]?.host ?? vm.host }));
  }
}

export interface RehearsalClusterOptions {
  members: string[];
  /** The real members' VMs, each with its host, read once; not called when they are kept. */
  readReal: () => Promise<Vm[]>;
  /** The real members' free room, read once; undefined or a rejection falls back to the default. */
  readFree?: () => Promise<MemberFree[]>;
  runDir: string;
  stateFile?: string;
  /** Says once that the default room was taken (journal notice). */
  notice?: (text: string) => void;
}

export class RehearsalCluster implements InventoryProvider, HostControl {
  readonly kind = 'sim';
  private seeding: Promise<SeededCluster> | undefined;

  constructor(private readonly options: RehearsalClusterOptions) {}

  private ready(): Promise<SeededCluster> {
    this.seeding ??= (async () => {
      const { runDir } = this.options;
      const keptVms = rehearsalInventoryPath(runDir);
      const keptRoom = join(runDir, REHEARSAL_CAPACITY_FILE);
      let vms: Vm[];
      // A saved inventory is rehearsed offline: the real members are not asked for their room either.
      const offline = existsSync(keptVms);
      if (offline) vms = JSON.parse(readFileSync(keptVms, 'utf8')) as Vm[];
      else {
        vms = await this.options.readReal();
        keepRehearsalInventory(runDir, vms);
      }
      let capacity: RehearsalCapacity;
      if (existsSync(keptRoom)) capacity = JSON.parse(readFileSync(keptRoom, 'utf8')) as RehearsalCapacity;
      else {
        const free = offline ? undefined : await this.options.readFree?.().catch(() => undefined);
        capacity = rehearsalCapacity(vms, free);
        writeFileDurably(keptRoom, `${JSON.stringify(capacity)}\n`);
        if (capacity.source === 'default') this.options.notice?.(capacityNotice(capacity));
      }
      return new SeededCluster(vms, this.options.members, capacity, this.options.stateFile);
    })().catch((error: unknown) => {
      this.seeding = undefined;
      throw error;
    });
    return this.seeding;
  }

  async list(): Promise<Vm[]> {
    return (await this.ready()).list();
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return (await this.ready()).power(request);
  }

  async reboot(request: RebootRequest): Promise<RebootResult> {
    return (await this.ready()).reboot(request);
  }

  async membersFree(): Promise<MemberFree[]> {
    return (await this.ready()).membersFree();
  }
}
