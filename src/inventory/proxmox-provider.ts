// Proxmox VE through pvesh and qm over the run's ssh connection, for one node. VMs are addressed
// by vmid, so a name never reaches the node's shell.
import type { Vm, VmAction, VmResult } from '../engine/types.js';
import { CONFIG_SCRIPT, parseConfigDump, parseQemuList, type ProxmoxVm } from './proxmox-parse.js';
import { powerByPolling } from './power-poll.js';
import { errorText, succeeded, type CommandRunner, type RunOptions } from './provider-exec.js';
import type { InventoryProvider, PowerRequest } from './provider.js';
import { StateBatch } from './state-batch.js';

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
    return ids[0];
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
}
