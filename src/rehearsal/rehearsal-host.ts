// The host a rehearsal runs against: a simulated copy of the real inventory. The real provider is
// asked once, read-only (`list()`), unless a saved inventory was given; the VMs it names are then
// kept in the run's folder, so a resumed rehearsal rebuilds the same host and never asks again.
// Every power change, snapshot and reboot after that happens on the simulated host only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vm, VmResult, VmState } from '../engine/types.js';
import type { HostControl, InventoryProvider, ListOptions, PowerRequest, RebootRequest, RebootResult, SnapshotRequest } from '../inventory/provider.js';
import { SimHost, simSpeed } from '../inventory/sim-host.js';
import { writeFileDurably } from '../journal/state-io.js';
import { REHEARSAL_BOOT_TIME, REHEARSAL_REBOOT_TIME, REHEARSAL_SHUTDOWN_TIME } from '../limits.js';
import type { SimVmSpec } from '../runbook/schema.js';

/** The file in a run's folder that keeps the inventory a rehearsal started from. */
export const REHEARSAL_INVENTORY_FILE = 'rehearsal-inventory.json';

export function rehearsalInventoryPath(runDir: string): string {
  return join(runDir, REHEARSAL_INVENTORY_FILE);
}

/** Writes the inventory a rehearsal starts from into its run folder (0600, whole or not at all). */
export function keepRehearsalInventory(runDir: string, vms: readonly Vm[]): void {
  writeFileDurably(rehearsalInventoryPath(runDir), `${JSON.stringify(vms)}\n`);
}

/** A VM caught between states by the listing starts the rehearsal where it was heading. */
const SETTLED: Partial<Record<VmState, SimVmSpec['state']>> = { 'shutting-down': 'shut-off', starting: 'running', migrating: 'running', migrated: 'shut-off', unknown: 'paused' };

export function simSpec(vm: Vm): SimVmSpec {
  const state = vm.state === 'running' || vm.state === 'shut-off' || vm.state === 'paused' ? vm.state : SETTLED[vm.state];
  return {
    name: vm.name,
    state,
    vcpus: Math.max(1, vm.vcpus),
    memory_mib: Math.max(1, vm.memory_mib),
    tags: vm.tags,
    autostart: vm.autostart,
    // A real guest takes its time: these are what a trainee should expect to wait.
    shutdown_time: REHEARSAL_SHUTDOWN_TIME,
    boot_time: REHEARSAL_BOOT_TIME,
  };
}

/** The simulated host, answering list() with every field the real one gave (ids, start order, locks…). */
class SeededSim extends SimHost {
  constructor(
    private readonly seed: readonly Vm[],
    stateFile: string | undefined,
  ) {
    super({ vms: seed.map(simSpec), rebootTime: REHEARSAL_REBOOT_TIME, speed: simSpeed(), stateFile });
  }

  override async list(): Promise<Vm[]> {
    const states = this.states();
    return this.seed.map((vm) => ({ ...vm, state: states[vm.name] ?? vm.state }));
  }
}

export interface RehearsalHostOptions {
  /** The real inventory, read once (the real provider's list()); not called when one is kept. */
  readReal: (options?: ListOptions) => Promise<Vm[]>;
  /** The run's folder: where the inventory is kept and the simulated host's state lives. */
  runDir: string;
  /** The simulated host's state file. */
  stateFile?: string;
}

export class RehearsalHost implements InventoryProvider, HostControl {
  readonly kind = 'sim';
  private seeding: Promise<SeededSim> | undefined;

  constructor(private readonly options: RehearsalHostOptions) {}

  private ready(): Promise<SeededSim> {
    this.seeding ??= (async () => {
      const kept = rehearsalInventoryPath(this.options.runDir);
      let vms: Vm[];
      if (existsSync(kept)) vms = JSON.parse(readFileSync(kept, 'utf8')) as Vm[];
      else {
        vms = await this.options.readReal();
        keepRehearsalInventory(this.options.runDir, vms);
      }
      return new SeededSim(vms, this.options.stateFile);
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

  async snapshot(request: SnapshotRequest): Promise<VmResult[]> {
    return (await this.ready()).snapshot(request);
  }

  async reboot(request: RebootRequest): Promise<RebootResult> {
    return (await this.ready()).reboot(request);
  }
}
