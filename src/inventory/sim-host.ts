// The built-in simulated host: VMs with power states that take realistic time to change, a guest
// that ignores graceful shutdowns, and a host that reboots. It needs nothing installed.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileDurably } from '../journal/durable-file.js';
import type { Vm, VmResult, VmState } from '../engine/types.js';
import { parseDuration } from '../runbook/duration.js';
import type { SimVmSpec } from '../runbook/schema.js';
import {
  SIM_DEFAULT_BOOT_MS,
  SIM_DEFAULT_REBOOT_MS,
  SIM_DEFAULT_SHUTDOWN_MS,
  SIM_MIGRATE_MS,
  SIM_POWEROFF_MS,
  SIM_REVERT_MS,
  SIM_SNAPSHOT_DELETE_MS,
  SIM_SNAPSHOT_MS,
  SIM_SNAPSHOT_MS_PER_GIB,
  SIM_STATE_FLUSH_MS,
} from '../limits.js';
import {
  forEachBounded,
  type HostControl,
  type InventoryProvider,
  type PowerRequest,
  type ProviderDescriptor,
  type RebootRequest,
  type RebootResult,
  type SnapshotRequest,
} from './provider.js';
import { LINUX_REBOOT } from './linux-reboot.js';
import { transition, until } from './sim-power.js';
import { snapshotNameProblem } from './snapshot-name.js';

export const DEFAULT_SIM_VMS: SimVmSpec[] = [
  { name: 'web01', state: 'running', vcpus: 2, memory_mib: 4096, tags: ['web', 'prod'], autostart: true, shutdown_time: '2s' },
  { name: 'web02', state: 'running', vcpus: 2, memory_mib: 4096, tags: ['web', 'prod'], autostart: true, shutdown_time: '3s' },
  { name: 'db01', state: 'running', vcpus: 4, memory_mib: 16384, tags: ['db', 'prod'], autostart: true, shutdown_time: '5s' },
  { name: 'cache01', state: 'running', vcpus: 2, memory_mib: 2048, tags: ['cache'], autostart: false, ignores_shutdown: true },
  { name: 'win-ad01', state: 'running', vcpus: 2, memory_mib: 8192, tags: ['windows', 'infra'], autostart: true, shutdown_time: '4s' },
  { name: 'build01', state: 'shut-off', vcpus: 8, memory_mib: 16384, tags: ['ci'], autostart: false },
];

interface SimVm {
  spec: SimVmSpec;
  state: VmState;
  /** Bumped by every power change, so a slow shutdown that was overtaken does not land late. */
  generation: number;
  /** Its snapshots by name, each with the power state a revert brings back. */
  snapshots: Map<string, VmState>;
}

export interface SimHostOptions {
  vms?: SimVmSpec[];
  rebootTime?: string;
  /** Divides every simulated duration; tests run the host many times faster. */
  speed?: number;
  /** Keeps the VM states in this file (a run's folder), and starts from it when it exists. */
  stateFile?: string;
}

/** The state file's content. */
interface SimHostFile {
  vms: Record<string, VmState>;
  bootId: number;
  rebooting: boolean;
  /** Per VM, its snapshots' names and the states they revert to. */
  snapshots?: Record<string, Record<string, VmState>>;
}

/** Where a VM caught mid-change has got to by the time anyone looks again. */
const SETTLED: Partial<Record<VmState, VmState>> = { 'shutting-down': 'shut-off', starting: 'running', migrating: 'migrated' };

function ms(duration: string | undefined, fallback: number): number {
  return (duration ? parseDuration(duration) : undefined) ?? fallback;
}

export class SimHost implements InventoryProvider, HostControl {
  readonly kind = 'sim';
  private readonly vms: SimVm[];
  private readonly rebootMs: number;
  private readonly speed: number;
  private bootId = 1;
  private rebooting = false;
  private readonly stateFile: string | undefined;
  private readonly byName = new Map<string, SimVm>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** State-file writes so far, for tests that check a batch costs one write. */
  writes = 0;

  constructor(options: SimHostOptions = {}) {
    this.vms = (options.vms ?? DEFAULT_SIM_VMS).map((spec) => ({ spec, state: spec.state ?? 'running', generation: 0, snapshots: new Map() }));
    for (const vm of this.vms) if (!this.byName.has(vm.spec.name)) this.byName.set(vm.spec.name, vm);
    this.rebootMs = ms(options.rebootTime, SIM_DEFAULT_REBOOT_MS);
    this.speed = options.speed && options.speed > 0 ? options.speed : 1;
    this.stateFile = options.stateFile;
    if (this.stateFile && existsSync(this.stateFile)) this.restore(JSON.parse(readFileSync(this.stateFile, 'utf8')) as SimHostFile);
    this.persist({ now: true });
  }

  /** The host as a run left it. Changes under way then have finished since; so has a reboot. */
  private restore(saved: SimHostFile): void {
    for (const vm of this.vms) {
      const state = saved.vms[vm.spec.name];
      if (state) vm.state = SETTLED[state] ?? state;
      const snapshots = saved.snapshots?.[vm.spec.name];
      if (snapshots) vm.snapshots = new Map(Object.entries(snapshots));
    }
    this.bootId = saved.bootId;
    if (saved.rebooting) {
      this.bootId++;
      for (const vm of this.vms) if (vm.spec.autostart && vm.state === 'shut-off') vm.state = 'running';
    }
  }

  /**
   * Saves the host's state. VM changes come in batches (a shutdown of 5,000 VMs), so they are
   * written together at most every SIM_STATE_FLUSH_MS; a reboot is written at once. A change lost
   * to a crash before its write is one that was under way, which restore() settles anyway.
   */
  private persist(options: { now?: boolean } = {}): void {
    if (!this.stateFile) return;
    if (options.now) {
      this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => this.flush(), SIM_STATE_FLUSH_MS);
  }

  /** Writes the state file now if anything changed since the last write. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.stateFile) return;
    const rest: Omit<SimHostFile, 'vms'> = {
      bootId: this.bootId,
      rebooting: this.rebooting,
      snapshots: Object.fromEntries(this.vms.filter((vm) => vm.snapshots.size > 0).map((vm) => [vm.spec.name, Object.fromEntries(vm.snapshots)])),
    };
    // The states written as JSON text straight away: an object of 5,000 keys built only to be
    // serialised was most of a 10 ms write, in the console's process, in the middle of a shutdown.
    const vms = this.vms.map((vm) => `${JSON.stringify(vm.spec.name)}:${JSON.stringify(vm.state)}`).join(',');
    writeFileDurably(this.stateFile, `{"vms":{${vms}},${JSON.stringify(rest).slice(1)}\n`);
    this.writes++;
  }

  async list(): Promise<Vm[]> {
    return this.vms.map(({ spec, state }, index) => ({
      name: spec.name,
      id: String(index + 1),
      state,
      vcpus: spec.vcpus ?? 2,
      memory_mib: spec.memory_mib ?? 2048,
      tags: spec.tags ?? [],
      autostart: spec.autostart ?? false,
    }));
  }

  /** The states as they stand, for tests and for keeping them with a run. */
  states(): Record<string, VmState> {
    return Object.fromEntries(this.vms.map((vm) => [vm.spec.name, vm.state]));
  }

  private scaled(duration: number): number {
    return duration / this.speed;
  }

  private find(name: string): SimVm | undefined {
    return this.byName.get(name);
  }

  /** Moves a VM to `to` after `delay`, unless another power change overtakes it. */
  private transition(vm: SimVm, via: VmState, to: VmState, delay: number, onState: PowerRequest['onState']): void {
    transition(vm, { via, to, delayMs: this.scaled(delay) }, () => this.persist(), onState);
  }

  private until(vm: SimVm, state: VmState, timeoutMs: number, signal?: AbortSignal): Promise<VmResult> {
    return until(vm.spec.name, () => vm.state === state, { timeoutMs, speed: this.speed, signal });
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return forEachBounded(request.vms, request.concurrency, async (name) => {
      const vm = this.find(name);
      if (!vm) return { name, outcome: 'error', message: 'no such VM on this host' };
      switch (request.action) {
        case 'shutdown':
          if (vm.state === 'shut-off') return { name, outcome: 'ok' };
          if (!vm.spec.ignores_shutdown && vm.state !== 'shutting-down') {
            this.transition(vm, 'shutting-down', 'shut-off', ms(vm.spec.shutdown_time, SIM_DEFAULT_SHUTDOWN_MS), request.onState);
          }
          return this.until(vm, 'shut-off', request.timeoutMs, request.signal);
        case 'poweroff':
          if (vm.state === 'shut-off') return { name, outcome: 'ok' };
          this.transition(vm, vm.state, 'shut-off', SIM_POWEROFF_MS, request.onState);
          return this.until(vm, 'shut-off', request.timeoutMs, request.signal);
        case 'start':
          if (vm.state === 'running') return { name, outcome: 'ok' };
          this.transition(vm, 'starting', 'running', ms(vm.spec.boot_time, SIM_DEFAULT_BOOT_MS), request.onState);
          return this.until(vm, 'running', request.timeoutMs, request.signal);
        case 'migrate':
          if (vm.state !== 'running') return { name, outcome: 'error', message: `cannot live-migrate a VM that is ${vm.state}` };
          this.transition(vm, 'migrating', 'migrated', SIM_MIGRATE_MS, request.onState);
          return this.until(vm, 'migrated', request.timeoutMs, request.signal);
      }
    });
  }

  async reboot(request: RebootRequest): Promise<RebootResult> {
    const before = this.bootId;
    request.onProgress(`${request.host} is going down (boot id ${before})`);
    for (const vm of this.vms) {
      vm.generation++;
      if (vm.state !== 'migrated') vm.state = 'shut-off';
    }
    this.rebooting = true;
    this.persist({ now: true });
    const bootMs = this.scaled(this.rebootMs);
    const started = Date.now();
    if (bootMs > request.waitMs) {
      await sleep(request.waitMs, undefined, { signal: request.signal }).catch(() => {});
      return { outcome: 'timeout' };
    }
    try {
      await sleep(bootMs, undefined, { signal: request.signal });
    } catch {
      return { outcome: 'error', message: 'aborted while the host was rebooting' };
    }
    this.bootId++;
    this.rebooting = false;
    for (const vm of this.vms) if (vm.spec.autostart && vm.state === 'shut-off') vm.state = 'running';
    this.persist({ now: true });
    request.onProgress(`${request.host} is back (boot id ${this.bootId}, after ${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return { outcome: 'back' };
  }

  // Snapshots ------------------------------------------------------------------------------------

  /** Waits a simulated duration; false when the request's timeout or abort came first. */
  private async takes(duration: number, request: SnapshotRequest): Promise<'done' | 'timeout' | 'aborted'> {
    const wait = this.scaled(duration);
    if (request.signal?.aborted) return 'aborted';
    try {
      await sleep(Math.min(wait, request.timeoutMs), undefined, { signal: request.signal });
    } catch {
      return 'aborted';
    }
    return wait > request.timeoutMs ? 'timeout' : 'done';
  }

  async snapshot(request: SnapshotRequest): Promise<VmResult[]> {
    const problem = snapshotNameProblem(request.name);
    if (problem) return request.vms.map((name) => ({ name, outcome: 'error', message: problem }));
    return forEachBounded(request.vms, request.concurrency, async (name): Promise<VmResult> => {
      const vm = this.find(name);
      if (!vm) return { name, outcome: 'error', message: 'no such VM on this host' };
      const snapshotName = request.name;
      const fail = (message: string): VmResult => ({ name, outcome: 'error', message });
      switch (request.action) {
        case 'create': {
          if (vm.snapshots.has(snapshotName)) return fail(`${name} already has a snapshot named ${snapshotName}`);
          const memory = request.memory === true && vm.state !== 'shut-off';
          // A disk-only snapshot reverts to a VM that is off; one with memory to the VM as it ran.
          const revertsTo: VmState = memory ? (SETTLED[vm.state] ?? vm.state) : 'shut-off';
          const took = await this.takes(SIM_SNAPSHOT_MS + (memory ? ((vm.spec.memory_mib ?? 2048) / 1024) * SIM_SNAPSHOT_MS_PER_GIB : 0), request);
          if (took !== 'done') return took === 'timeout' ? { name, outcome: 'timeout' } : fail('aborted');
          vm.snapshots.set(snapshotName, revertsTo);
          this.persist();
          return { name, outcome: 'ok' };
        }
        case 'revert': {
          const revertsTo = vm.snapshots.get(snapshotName);
          if (revertsTo === undefined) return fail(`${name} has no snapshot named ${snapshotName}`);
          const took = await this.takes(SIM_REVERT_MS, request);
          if (took !== 'done') return took === 'timeout' ? { name, outcome: 'timeout' } : fail('aborted');
          vm.generation++;
          if (vm.state !== revertsTo) {
            vm.state = revertsTo;
            request.onState(name, revertsTo);
          }
          this.persist();
          return { name, outcome: 'ok' };
        }
        case 'delete': {
          if (!vm.snapshots.has(snapshotName)) return fail(`${name} has no snapshot named ${snapshotName}`);
          const took = await this.takes(SIM_SNAPSHOT_DELETE_MS, request);
          if (took !== 'done') return took === 'timeout' ? { name, outcome: 'timeout' } : fail('aborted');
          vm.snapshots.delete(snapshotName);
          this.persist();
          return { name, outcome: 'ok' };
        }
      }
    });
  }

  /** Each VM's snapshots by name, for tests. */
  snapshotsOf(name: string): Record<string, VmState> {
    return Object.fromEntries(this.find(name)?.snapshots ?? []);
  }
}

export function simSpeed(env: NodeJS.ProcessEnv = process.env): number {
  const speed = Number(env.PATCHWALK_SIM_SPEED ?? '1');
  return Number.isFinite(speed) && speed > 0 ? speed : 1;
}

export const simProvider: ProviderDescriptor = {
  kind: 'sim',
  settings: {},
  ssh: false,
  flavour: 'posix',
  // Used only by `on: host` steps; the simulated host reboots itself.
  reboot: LINUX_REBOOT,
  simulated: true,
  snapshots: true,
  create: ({ inventory, simStateFile }) =>
    new SimHost({ vms: inventory.vms, rebootTime: inventory.reboot_time, speed: simSpeed(), stateFile: simStateFile }),
};
