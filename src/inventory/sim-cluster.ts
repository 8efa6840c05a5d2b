// The simulated cluster: several members sharing one state file. Each VM runs on a member; live
// migration takes time in proportion to its memory and needs room on the destination; a VM with a
// local disk cannot move, and one can be set to fail its first migration. Members reboot one by one.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileDurably } from '../journal/durable-file.js';
import type { MemberFree, Vm, VmResult, VmState } from '../engine/types.js';
import { parseDuration } from '../runbook/duration.js';
import type { SimVmSpec } from '../runbook/schema.js';
import {
  SIM_DEFAULT_BOOT_MS,
  SIM_DEFAULT_REBOOT_MS,
  SIM_DEFAULT_SHUTDOWN_MS,
  SIM_MEMBER_MEMORY_MIB,
  SIM_MEMBER_VCPUS,
  SIM_MIGRATE_MS_PER_GIB,
  SIM_MIGRATE_SETUP_MS,
  SIM_POLL_MS,
  SIM_POWEROFF_MS,
  SIM_STATE_FLUSH_MS,
} from '../limits.js';
import { forEachBounded, type HostControl, type InventoryProvider, type PowerRequest, type RebootRequest, type RebootResult } from './provider.js';

interface ClusterVm {
  spec: SimVmSpec;
  state: VmState;
  host: string;
  /** Where a migration under way goes: a crash mid-move settles it there. */
  movingTo?: string;
  generation: number;
  failedOnce: boolean;
}

export interface SimClusterOptions {
  members: string[];
  vms: SimVmSpec[];
  capacity?: { memory_mib: number; vcpus: number };
  rebootTime?: string;
  speed?: number;
  stateFile?: string;
}

interface SimClusterFile {
  vms: Record<string, { state: VmState; host: string; movingTo?: string; failedOnce?: boolean }>;
  rebooting: string[];
  bootIds: Record<string, number>;
  /** Live migrations made so far, by VM: tests check that nothing moved twice. */
  migrations?: Record<string, number>;
}

const SETTLED: Partial<Record<VmState, VmState>> = { 'shutting-down': 'shut-off', starting: 'running', migrating: 'running' };
const USES_ROOM = new Set<VmState>(['running', 'paused', 'starting', 'migrating', 'shutting-down']);

const ms = (duration: string | undefined, fallback: number) => (duration ? parseDuration(duration) : undefined) ?? fallback;

export class SimCluster implements InventoryProvider, HostControl {
  readonly kind = 'sim';
  private readonly vms: ClusterVm[];
  private readonly byName = new Map<string, ClusterVm>();
  private readonly members: string[];
  private readonly capacityEach: { memory_mib: number; vcpus: number };
  private readonly rebootMs: number;
  private readonly speed: number;
  private readonly stateFile: string | undefined;
  private rebooting = new Set<string>();
  private bootIds: Record<string, number> = {};
  private flushTimer: NodeJS.Timeout | undefined;
  /** Migrations made, by VM, for tests that check nothing moved twice. */
  readonly migrations = new Map<string, number>();

  constructor(options: SimClusterOptions) {
    this.members = options.members;
    const first = options.members[0] ?? 'sim-host';
    this.vms = options.vms.map((spec) => ({ spec, state: spec.state ?? 'running', host: spec.host ?? first, generation: 0, failedOnce: false }));
    for (const vm of this.vms) if (!this.byName.has(vm.spec.name)) this.byName.set(vm.spec.name, vm);
    this.capacityEach = options.capacity ?? { memory_mib: SIM_MEMBER_MEMORY_MIB, vcpus: SIM_MEMBER_VCPUS };
    this.rebootMs = ms(options.rebootTime, SIM_DEFAULT_REBOOT_MS);
    this.speed = options.speed && options.speed > 0 ? options.speed : 1;
    this.stateFile = options.stateFile;
    for (const member of this.members) this.bootIds[member] = 1;
    if (this.stateFile && existsSync(this.stateFile)) this.restore(JSON.parse(readFileSync(this.stateFile, 'utf8')) as SimClusterFile);
    this.flush();
  }

  /** The cluster as a run left it: changes under way have finished since, reboots too. */
  private restore(saved: SimClusterFile): void {
    for (const vm of this.vms) {
      const was = saved.vms[vm.spec.name];
      if (!was) continue;
      vm.state = SETTLED[was.state] ?? was.state;
      vm.host = was.movingTo ?? was.host;
      if (was.movingTo) this.migrations.set(vm.spec.name, (this.migrations.get(vm.spec.name) ?? 0) + 1);
      vm.failedOnce = was.failedOnce ?? false;
    }
    this.bootIds = { ...this.bootIds, ...saved.bootIds };
    for (const [name, count] of Object.entries(saved.migrations ?? {})) this.migrations.set(name, (this.migrations.get(name) ?? 0) + count);
    for (const member of saved.rebooting) {
      this.bootIds[member] = (this.bootIds[member] ?? 1) + 1;
      for (const vm of this.vms) if (vm.host === member && vm.spec.autostart && vm.state === 'shut-off') vm.state = 'running';
    }
  }

  /** VM changes come in batches; they are written together at most every SIM_STATE_FLUSH_MS. */
  private persist(now = false): void {
    if (!this.stateFile) return;
    if (now) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), SIM_STATE_FLUSH_MS);
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.stateFile) return;
    const saved: SimClusterFile = {
      vms: Object.fromEntries(
        this.vms.map((vm) => [vm.spec.name, { state: vm.state, host: vm.host, ...(vm.movingTo ? { movingTo: vm.movingTo } : {}), ...(vm.failedOnce ? { failedOnce: true } : {}) }]),
      ),
      rebooting: [...this.rebooting],
      bootIds: this.bootIds,
      migrations: Object.fromEntries(this.migrations),
    };
    writeFileDurably(this.stateFile, `${JSON.stringify(saved)}\n`);
  }

  async list(): Promise<Vm[]> {
    return this.vms.map(({ spec, state, host }, index) => ({
      name: spec.name,
      id: String(index + 1),
      state,
      vcpus: spec.vcpus ?? 2,
      memory_mib: spec.memory_mib ?? 2048,
      tags: spec.tags ?? [],
      autostart: spec.autostart ?? false,
      host,
      ...(spec.local_disk ? { unmovable: 'local disk' } : {}),
    }));
  }

  /** Where each VM runs and in which state, for tests. */
  placement(): Record<string, { host: string; state: VmState }> {
    return Object.fromEntries(this.vms.map((vm) => [vm.spec.name, { host: vm.host, state: vm.state }]));
  }

  private used(member: string): { memory: number; vcpus: number } {
    let memory = 0;
    let vcpus = 0;
    for (const vm of this.vms) {
      if ((vm.host === member || vm.movingTo === member) && USES_ROOM.has(vm.state)) {
        memory += vm.spec.memory_mib ?? 2048;
        vcpus += vm.spec.vcpus ?? 2;
      }
    }
    return { memory, vcpus };
  }

  async membersFree(): Promise<MemberFree[]> {
    return this.members.map((name) => {
      const used = this.used(name);
      const down = this.rebooting.has(name);
      return { name, memory_free_mib: down ? 0 : this.capacityEach.memory_mib - used.memory, vcpus_free: down ? 0 : this.capacityEach.vcpus - used.vcpus };
    });
  }

  private scaled(duration: number): number {
    return duration / this.speed;
  }

  private change(vm: ClusterVm, via: VmState, to: VmState, delay: number, onState: PowerRequest['onState'], then?: () => void): void {
    const generation = ++vm.generation;
    if (vm.state !== via) {
      vm.state = via;
      this.persist();
      onState(vm.spec.name, via);
    }
    setTimeout(() => {
      if (vm.generation !== generation) return;
      then?.();
      vm.state = to;
      this.persist();
      onState(vm.spec.name, to);
    }, this.scaled(delay)).unref();
  }

  private async until(vm: ClusterVm, done: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<VmResult> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (signal?.aborted) return { name: vm.spec.name, outcome: 'error', message: 'aborted' };
      if (Date.now() >= deadline) return { name: vm.spec.name, outcome: 'timeout' };
      await sleep(Math.min(SIM_POLL_MS / this.speed, Math.max(1, deadline - Date.now())));
    }
    return { name: vm.spec.name, outcome: 'ok' };
  }

  private async migrate(vm: ClusterVm, to: string | undefined, request: PowerRequest): Promise<VmResult> {
    const name = vm.spec.name;
    const fail = (message: string): VmResult => ({ name, outcome: 'error', message });
    if (!to || !this.members.includes(to)) return fail(`no member ${to ?? '(none)'} in the cluster`);
    // Asked again after patchwalk stopped mid-move: it is there already, and is not moved twice.
    if (vm.host === to) return { name, outcome: 'ok' };
    if (vm.state !== 'running') return fail(`cannot live-migrate a VM that is ${vm.state}`);
    if (vm.spec.local_disk) return fail('it has a local disk and cannot live-migrate');
    if (this.rebooting.has(to)) return fail(`${to} is rebooting`);
    const used = this.used(to);
    const memory = vm.spec.memory_mib ?? 2048;
    if (used.memory + memory > this.capacityEach.memory_mib) return fail(`${to} has only ${this.capacityEach.memory_mib - used.memory} MiB free, it needs ${memory}`);
    const takes = SIM_MIGRATE_SETUP_MS + (memory / 1024) * SIM_MIGRATE_MS_PER_GIB;
    if (vm.spec.fail_migrate_once && !vm.failedOnce) {
      vm.failedOnce = true;
      this.persist(true);
      await sleep(this.scaled(takes / 2));
      return fail('the migration stream broke off (simulated)');
    }
    vm.movingTo = to;
    this.persist(true);
    this.change(vm, 'migrating', 'running', takes, request.onState, () => {
      vm.host = to;
      vm.movingTo = undefined;
      this.migrations.set(name, (this.migrations.get(name) ?? 0) + 1);
    });
    return this.until(vm, () => vm.host === to && vm.state === 'running', request.timeoutMs, request.signal);
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return forEachBounded(request.vms, request.concurrency, async (name): Promise<VmResult> => {
      const vm = this.byName.get(name);
      if (!vm) return { name, outcome: 'error', message: 'no such VM in the cluster' };
      switch (request.action) {
        case 'shutdown':
          if (vm.state === 'shut-off') return { name, outcome: 'ok' };
          if (!vm.spec.ignores_shutdown && vm.state !== 'shutting-down') this.change(vm, 'shutting-down', 'shut-off', ms(vm.spec.shutdown_time, SIM_DEFAULT_SHUTDOWN_MS), request.onState);
          return this.until(vm, () => vm.state === 'shut-off', request.timeoutMs, request.signal);
        case 'poweroff':
          if (vm.state === 'shut-off') return { name, outcome: 'ok' };
          this.change(vm, vm.state, 'shut-off', SIM_POWEROFF_MS, request.onState);
          return this.until(vm, () => vm.state === 'shut-off', request.timeoutMs, request.signal);
        case 'start':
          if (vm.state === 'running') return { name, outcome: 'ok' };
          if (this.rebooting.has(vm.host)) return { name, outcome: 'error', message: `${vm.host} is rebooting` };
          this.change(vm, 'starting', 'running', ms(vm.spec.boot_time, SIM_DEFAULT_BOOT_MS), request.onState);
          return this.until(vm, () => vm.state === 'running', request.timeoutMs, request.signal);
        case 'migrate':
          return this.migrate(vm, request.to, request);
      }
    });
  }

  async reboot(request: RebootRequest): Promise<RebootResult> {
    const member = request.host;
    if (!this.members.includes(member)) return { outcome: 'error', message: `no member ${member} in the cluster` };
    request.onProgress(`${member} is going down (boot id ${this.bootIds[member] ?? 1})`);
    for (const vm of this.vms) {
      if (vm.host !== member) continue;
      vm.generation++;
      vm.state = 'shut-off';
    }
    this.rebooting.add(member);
    this.persist(true);
    const bootMs = this.scaled(this.rebootMs);
    if (bootMs > request.waitMs) {
      await sleep(request.waitMs, undefined, { signal: request.signal }).catch(() => {});
      return { outcome: 'timeout' };
    }
    try {
      await sleep(bootMs, undefined, { signal: request.signal });
    } catch {
      return { outcome: 'error', message: `aborted while ${member} was rebooting` };
    }
    this.rebooting.delete(member);
    this.bootIds[member] = (this.bootIds[member] ?? 1) + 1;
    for (const vm of this.vms) if (vm.host === member && vm.spec.autostart && vm.state === 'shut-off') vm.state = 'running';
    this.persist(true);
    request.onProgress(`${member} is back (boot id ${this.bootIds[member]})`);
    return { outcome: 'back' };
  }
}
