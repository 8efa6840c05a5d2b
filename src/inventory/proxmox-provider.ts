// Proxmox VE through pvesh and qm over the run's ssh connection, for one node. VMs are addressed
// by vmid, so a name never reaches the node's shell.
import type { Vm, VmAction, VmResult } from '../engine/types.js';
import { LIST_CONCURRENCY } from '../limits.js';
import { parseQemuConfig, parseQemuList, parseQmStatus } from './proxmox-parse.js';
import { powerByPolling } from './power-poll.js';
import { errorText, succeeded, type CommandRunner, type RunOptions } from './provider-exec.js';
import { forEachBounded, type InventoryProvider, type PowerRequest } from './provider.js';

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

  async list(): Promise<Vm[]> {
    const path = `/nodes/${this.node}/qemu`;
    const vms = parseQemuList(await this.must(`pvesh get ${path}`, ['pvesh', 'get', path, '--output-format', 'json'])).filter((vm) => !vm.template);
    this.vmids = new Map();
    for (const vm of vms) this.vmids.set(vm.name, [...(this.vmids.get(vm.name) ?? []), vm.vmid]);
    return forEachBounded(
      vms.map((vm) => vm.vmid),
      LIST_CONCURRENCY,
      async (vmid) => {
        const vm = vms.find((candidate) => candidate.vmid === vmid)!;
        const configPath = `${path}/${vmid}/config`;
        const config = parseQemuConfig(await this.must(`pvesh get ${configPath}`, ['pvesh', 'get', configPath, '--output-format', 'json']));
        return { name: vm.name, id: vmid, state: vm.state, vcpus: vm.vcpus, memory_mib: vm.memoryMib, tags: vm.tags, autostart: config.onboot };
      },
    );
  }

  private async vmidOf(name: string): Promise<string> {
    if (!this.vmids.has(name)) await this.list();
    const ids = this.vmids.get(name) ?? [];
    if (ids.length === 0) throw new Error(`no VM named ${name} on node ${this.node}`);
    if (ids.length > 1) throw new Error(`${ids.length} VMs are named ${name} (vmids ${ids.join(', ')}); rename one first`);
    return ids[0];
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
            const argv = ProxmoxProvider.powerArgs(action, vmid, { timeoutMs, to });
            await this.must(`qm ${argv[1]} ${name} (${vmid})`, argv, { timeoutMs: timeoutMs + 5000, signal });
            return undefined;
          } catch (error) {
            return signal.aborted ? undefined : (error as Error).message;
          }
        },
        state: async (name) => {
          const vmid = await this.vmidOf(name);
          return parseQmStatus(await this.must(`qm status ${name} (${vmid})`, ['qm', 'status', vmid]));
        },
      },
      this.pollMs,
    );
  }
}
