// Proxmox VE through pvesh and qm over the run's ssh connection, for one node. VMs are addressed
// by vmid, so a name never reaches the node's shell.
import type { Vm, VmAction, VmResult } from '../engine/types.js';
import { CONFIG_SCRIPT, parseConfigDump, parseQemuList, type ProxmoxVm } from './proxmox-parse.js';
import { powerByPolling } from './power-poll.js';
import { errorText, succeeded, type CommandRunner, type RunOptions } from './provider-exec.js';
import { forEachBounded, type InventoryProvider, type PowerRequest, type ProviderDescriptor, type SnapshotRequest } from './provider.js';
import { LINUX_REBOOT } from './ssh-host.js';
import { snapshotNameProblem } from './snapshot-name.js';
import { parseQmStatus } from './proxmox-parse.js';
import { StateBatch } from './state-batch.js';
import { haMaintenanceReached, parseClusterResources, parseHaStatus, proxmoxCapacity, type HaStatus, type HostCapacity } from '../cluster/capacity-parse.js';
import { waitUntil } from '../cluster/maintenance-wait.js';
import type { MaintenanceOptions } from './provider.js';

export class ProxmoxProvider implements InventoryProvider {
  readonly kind = 'proxmox';
  private vmids = new Map<string, string[]>();

  constructor(
    readonly node: string,
    private readonly run: CommandRunner,
    private readonly pollMs?: number,
  ) {}

  private async must(what: string, argv: string[], options?: RunOptions): Promise<string> {
    const output = await this.run(argv, options);
    if (!succeeded(output)) throw new Error(`${what} failed: ${errorText(output)}`);
    return output.stdout;
  }

  /** One call for every VM of the node with its state: `--full 1` adds QEMU's run state, so a paused VM is not `running`. */
  private async qemuList(): Promise<ProxmoxVm[]> {
    const path = `/nodes/${this.node}/qemu`;
    return parseQemuList(await this.must(`pvesh get ${path}`, ['pvesh', 'get', path, '--full', '1', '--output-format', 'json']));
  }

  /** The VMs' latest rows by vmid, read for all VMs at once however many are polled. */
  private readonly rows = new StateBatch<ProxmoxVm>(async () => {
    const rows = await this.qemuList();
    this.latest = new Map(rows.map((row) => [row.vmid, row]));
    return this.latest;
  });
  private latest = new Map<string, ProxmoxVm>();

  async list(): Promise<Vm[]> {
    const vms = (await this.qemuList()).filter((vm) => !vm.template);
    // onboot and the startup order live only in each VM's config: all configs in one more call.
    const configs = parseConfigDump(await this.must(`reading the VM configs of node ${this.node}`, ['sh', '-c', CONFIG_SCRIPT, 'patchwalk', this.node]));
    this.vmids = new Map();
    this.latest = new Map(vms.map((vm) => [vm.vmid, vm]));
    for (const vm of vms) this.vmids.set(vm.name, [...(this.vmids.get(vm.name) ?? []), vm.vmid]);
    return vms.map((vm) => {
      const config = configs.get(vm.vmid);
      const lock = vm.lock ?? config?.lock;
      return {
        name: vm.name,
        id: vm.vmid,
        state: vm.state,
        vcpus: vm.vcpus,
        memory_mib: vm.memoryMib,
        // Proxmox VE 6 lists no tags: the config has them.
        tags: vm.tags ?? config?.tags ?? [],
        autostart: config?.onboot ?? false,
        ...(config?.order !== undefined ? { startOrder: config.order } : {}),
        ...(lock ? { lock } : {}),
        ...(vm.detail ? { detail: vm.detail } : {}),
      };
    });
  }

  private async vmidOf(name: string): Promise<string> {
    if (!this.vmids.has(name)) await this.list();
    const ids = this.vmids.get(name) ?? [];
    if (ids.length === 0) throw new Error(`no VM named ${name} on node ${this.node}`);
    if (ids.length > 1) throw new Error(`${ids.length} VMs are named ${name} (vmids ${ids.join(', ')}); rename one first`);
    return ids[0]!; // exactly one, checked just above
  }

  /**
   * Proxmox holds a lock on a VM while a backup, migration or snapshot runs; a power change then
   * fails or breaks the job. Refused with the lock named, so the operator decides. Starting a
   * hibernated VM (lock `suspended`) is how it resumes, so that one goes ahead.
   */
  static lockRefusal(action: VmAction, name: string, vmid: string, lock: string | undefined): string | undefined {
    if (!lock || (action === 'start' && lock === 'suspended')) return undefined;
    return `${name} (${vmid}) is locked (${lock}) on Proxmox; wait until the ${lock} is over, or clear a stale lock with: qm unlock ${vmid}`;
  }

  static powerArgs(action: VmAction, vmid: string, options: { timeoutMs?: number; to?: string } = {}): string[] {
    switch (action) {
      case 'shutdown':
        // qm waits for the guest itself; patchwalk's own timeout (a little shorter) decides.
        return ['qm', 'shutdown', vmid, '--timeout', String(Math.ceil((options.timeoutMs ?? 0) / 1000) + 5)];
      case 'poweroff':
        return ['qm', 'stop', vmid];
      case 'start':
        return ['qm', 'start', vmid];
      case 'migrate':
        return ['qm', 'migrate', vmid, options.to ?? '', '--online'];
    }
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return powerByPolling(
      request,
      {
        issue: async (action, name, { to, timeoutMs, signal }) => {
          if (action === 'migrate' && !to) return 'live migration needs a destination node (migrate: { to: NODE })';
          try {
            const vmid = await this.vmidOf(name);
            const locked = ProxmoxProvider.lockRefusal(action, name, vmid, this.latest.get(vmid)?.lock);
            if (locked) return locked;
            const argv = ProxmoxProvider.powerArgs(action, vmid, { timeoutMs, to });
            await this.must(`qm ${argv[1]} ${name} (${vmid})`, argv, { timeoutMs: timeoutMs + 5000, signal });
            return undefined;
          } catch (error) {
            return signal.aborted ? undefined : (error as Error).message;
          }
        },
        state: async (name) => {
          const vmid = await this.vmidOf(name);
          const row = await this.rows.get(vmid);
          if (!row) throw new Error(`${name} (${vmid}) is no longer on node ${this.node}`);
          return row.state;
        },
      },
      this.pollMs,
    );
  }

  // Cluster --------------------------------------------------------------------------------------

  /** This node's room for migrated VMs, from the cluster's resource list (one call, every node). */
  async capacity(): Promise<HostCapacity> {
    const argv = ['pvesh', 'get', '/cluster/resources', '--output-format', 'json'];
    return proxmoxCapacity(parseClusterResources(await this.must('pvesh get /cluster/resources', argv)), this.node);
  }

  /** `ha-manager status`: quorum, each node's LRM state, and the HA resources; none means HA is not in use. */
  async haStatus(): Promise<HaStatus> {
    return parseHaStatus(await this.must('ha-manager status', ['ha-manager', 'status']));
  }

  /**
   * HA node maintenance: the CRM moves the node's HA guests away (enable) or lets them come back
   * (disable). Resolves once `ha-manager status` shows it done: the LRM in maintenance mode with
   * no HA guest left starting or migrating on the node, or out of maintenance mode.
   */
  async maintenance(node: string, on: boolean, options: MaintenanceOptions & { pollMs?: number } = {}): Promise<void> {
    const argv = ProxmoxProvider.maintenanceArgs(node, on);
    await this.must(argv.join(' '), argv, options.signal ? { signal: options.signal } : undefined);
    let last: HaStatus | undefined;
    await waitUntil(
      async () => haMaintenanceReached((last = await this.haStatus()), node, on),
      () => `node ${node} did not ${on ? 'enter' : 'leave'} HA maintenance in time (lrm: ${last?.lrm.get(node) ?? 'unknown'}${on ? `; HA guests still there: ${last?.services.filter((service) => service.node === node).map((service) => service.sid).join(', ') || 'none'}` : ''})`,
      options,
    );
  }

  static maintenanceArgs(node: string, on: boolean): string[] {
    return ['ha-manager', 'crm-command', 'node-maintenance', on ? 'enable' : 'disable', node];
  }

  // Snapshots ------------------------------------------------------------------------------------

  async snapshot(request: SnapshotRequest): Promise<VmResult[]> {
    const problem = snapshotNameProblem(request.name) ?? proxmoxSnapshotNameProblem(request.name);
    if (problem) return request.vms.map((name) => ({ name, outcome: 'error', message: problem }));
    return forEachBounded(request.vms, request.concurrency, async (name): Promise<VmResult> => {
      try {
        const vmid = await this.vmidOf(name);
        const argv = ProxmoxProvider.snapshotArgs(request, vmid);
        const output = await this.run(argv, { timeoutMs: request.timeoutMs, signal: request.signal });
        if (output.problem === 'timed out') return { name, outcome: 'timeout', message: `qm ${argv[1]} ${name} (${vmid}) timed out` };
        if (!succeeded(output)) throw new Error(`qm ${argv[1]} ${name} (${vmid}) failed: ${errorText(output)}`);
        if (request.action === 'revert') request.onState(name, parseQmStatus(await this.must(`qm status ${name} (${vmid})`, ['qm', 'status', vmid])));
        return { name, outcome: 'ok' };
      } catch (error) {
        return { name, outcome: 'error', message: (error as Error).message };
      }
    });
  }

  /** The argv of one snapshot call. qm freezes the guest through its agent when the VM has one enabled. */
  static snapshotArgs(request: Pick<SnapshotRequest, 'action' | 'name' | 'memory'>, vmid: string): string[] {
    switch (request.action) {
      case 'create':
        return ['qm', 'snapshot', vmid, request.name, ...(request.memory ? ['--vmstate', '1'] : [])];
      case 'revert':
        return ['qm', 'rollback', vmid, request.name];
      case 'delete':
        return ['qm', 'delsnapshot', vmid, request.name];
    }
  }
}

/** Proxmox takes a snapshot name as a config id: a letter first, no dots, at most 40, not "current". */
export function proxmoxSnapshotNameProblem(name: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9_-]{1,39}$/.test(name) && name !== 'current') return undefined;
  return `snapshot name ${JSON.stringify(name)} is not allowed on Proxmox: use 2 to 40 letters, digits, underscores or dashes, starting with a letter (and not "current")`;
}

// Registry descriptor ---------------------------------------------------------------------------

export const proxmoxProvider: ProviderDescriptor = {
  kind: 'proxmox',
  settings: {
    host: { required: true, missing: 'inventory: provider proxmox needs host (an ssh destination such as root@{{ host }}) or target.ssh' },
    // Without it, the node is the host part of the ssh destination (root@pve1.example → pve1).
    node: { required: false },
  },
  ssh: true,
  flavour: 'posix',
  reboot: LINUX_REBOOT,
  snapshots: true,
  create: ({ run, node, destination }) => new ProxmoxProvider(node ?? (destination ?? '').replace(/^.*@/, '').split('.')[0] ?? '', run),
};
