// ESXi through vim-cmd over the run's ssh connection. VMs are addressed by vmid, so a name never
// reaches the ESXi shell.
import type { Vm, VmAction, VmResult } from '../engine/types.js';
import { LIST_CONCURRENCY } from '../limits.js';
import { esxiTags, parseAutostart, parseGetAllVms, parsePowerState, parseSummary, vimFault, type EsxiVm } from './esxi-parse.js';
import { powerByPolling } from './power-poll.js';
import { errorText, succeeded, type CommandRunner } from './provider-exec.js';
import { forEachBounded, type InventoryProvider, type PowerRequest } from './provider.js';
import type { ProviderDescriptor, RebootDefaults } from './provider.js';
import { parseSnapshotTree } from './esxi-snapshot-parse.js';
import type { SnapshotRequest } from './provider.js';
import { snapshotNameProblem } from './snapshot-name.js';

const VERB: Record<Exclude<VmAction, 'migrate'>, string> = { shutdown: 'power.shutdown', poweroff: 'power.off', start: 'power.on' };

export class EsxiProvider implements InventoryProvider {
  readonly kind = 'esxi';
  private vmids = new Map<string, string[]>();

  constructor(
    private readonly run: CommandRunner,
    private readonly pollMs?: number,
  ) {}

  private async vimCmd(what: string, args: string[]): Promise<string> {
    const output = await this.run(['vim-cmd', ...args]);
    const fault = vimFault(`${output.stdout}\n${output.stderr}`);
    if (!succeeded(output) || fault) throw new Error(`vim-cmd ${what} failed: ${fault ?? errorText(output)}`);
    return output.stdout;
  }

  async list(): Promise<Vm[]> {
    const all: EsxiVm[] = parseGetAllVms(await this.vimCmd('vmsvc/getallvms', ['vmsvc/getallvms']));
    this.vmids = new Map();
    for (const vm of all) this.vmids.set(vm.name, [...(this.vmids.get(vm.name) ?? []), vm.vmid]);
    const autostart = parseAutostart(await this.vimCmd('hostsvc/autostartmanager/get_autostartseq', ['hostsvc/autostartmanager/get_autostartseq']));
    return forEachBounded(
      all.map((vm) => vm.vmid),
      LIST_CONCURRENCY,
      async (vmid) => {
        const vm = all.find((candidate) => candidate.vmid === vmid)!;
        const summary = await this.vimCmd(`vmsvc/get.summary ${vm.name}`, ['vmsvc/get.summary', vmid]);
        const { vcpus, memoryMib } = parseSummary(summary);
        const state = /powerState = "poweredOn"/.test(summary) ? 'running' : /powerState = "suspended"/.test(summary) ? 'paused' : 'shut-off';
        return { name: vm.name, id: vmid, state, vcpus, memory_mib: memoryMib, tags: esxiTags(vm), autostart: autostart.has(vmid) };
      },
    );
  }

  private async vmidOf(name: string): Promise<string> {
    if (!this.vmids.has(name)) await this.list();
    const ids = this.vmids.get(name) ?? [];
    if (ids.length === 0) throw new Error(`no VM named ${name} on this ESXi host`);
    if (ids.length > 1) throw new Error(`${ids.length} VMs are named ${name} (vmids ${ids.join(', ')}); rename one first`);
    return ids[0];
  }

  static powerArgs(action: Exclude<VmAction, 'migrate'>, vmid: string): string[] {
    return ['vim-cmd', `vmsvc/${VERB[action]}`, vmid];
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return powerByPolling(
      request,
      {
        issue: async (action, name) => {
          if (action === 'migrate') return 'a standalone ESXi host cannot live-migrate: use vMotion from vCenter, or shut the VM down';
          try {
            const vmid = await this.vmidOf(name);
            await this.vimCmd(`vmsvc/${VERB[action]} ${name}`, EsxiProvider.powerArgs(action, vmid).slice(1));
            return undefined;
          } catch (error) {
            return (error as Error).message;
          }
        },
        state: async (name) => parsePowerState(await this.vimCmd(`vmsvc/power.getstate ${name}`, ['vmsvc/power.getstate', await this.vmidOf(name)])),
      },
      this.pollMs,
    );
  }

  // Snapshots ------------------------------------------------------------------------------------

  async snapshot(request: SnapshotRequest): Promise<VmResult[]> {
    const problem = snapshotNameProblem(request.name);
    if (problem) return request.vms.map((name) => ({ name, outcome: 'error', message: problem }));
    const verb = `vmsvc/snapshot.${ESXI_SNAPSHOT_VERB[request.action]}`;
    return forEachBounded(request.vms, request.concurrency, async (name): Promise<VmResult> => {
      try {
        const vmid = await this.vmidOf(name);
        // ESXi allows two snapshots of one name: create refuses a name in use, and revert and
        // delete need exactly one.
        const same = parseSnapshotTree(await this.vimCmd(`vmsvc/snapshot.get ${name}`, ['vmsvc/snapshot.get', vmid])).filter(
          (snapshot) => snapshot.name === request.name,
        );
        if (request.action === 'create' && same.length > 0) throw new Error(`${name} already has a snapshot named ${request.name}`);
        if (request.action !== 'create' && same.length !== 1) throw new Error(`${name} has ${same.length} snapshots named ${request.name}`);
        const argv = EsxiProvider.snapshotArgs(request, vmid, same[0]?.id);
        const output = await this.run(argv, { timeoutMs: request.timeoutMs, signal: request.signal });
        if (output.problem === 'timed out') return { name, outcome: 'timeout', message: `vim-cmd ${verb} ${name} timed out` };
        const fault = vimFault(`${output.stdout}\n${output.stderr}`);
        if (!succeeded(output) || fault) throw new Error(`vim-cmd ${verb} ${name} failed: ${fault ?? errorText(output)}`);
        if (request.action === 'revert') {
          request.onState(name, parsePowerState(await this.vimCmd(`vmsvc/power.getstate ${name}`, ['vmsvc/power.getstate', vmid])));
        }
        return { name, outcome: 'ok' };
      } catch (error) {
        return { name, outcome: 'error', message: (error as Error).message };
      }
    });
  }

  /** The argv of one snapshot call; revert and delete take the snapshot's id. */
  static snapshotArgs(request: Pick<SnapshotRequest, 'action' | 'name' | 'memory' | 'quiesce'>, vmid: string, snapshotId = ''): string[] {
    switch (request.action) {
      case 'create': {
        // snapshot.create VMID NAME DESCRIPTION includeMemory quiesced; a memory snapshot is not quiesced.
        const memory = request.memory === true;
        return ['vim-cmd', 'vmsvc/snapshot.create', vmid, request.name, 'patchwalk', memory ? '1' : '0', !memory && request.quiesce !== false ? '1' : '0'];
      }
      case 'revert':
        // suppressPowerOn 0: the VM comes back in the power state the snapshot has.
        return ['vim-cmd', 'vmsvc/snapshot.revert', vmid, snapshotId, '0'];
      case 'delete':
        return ['vim-cmd', 'vmsvc/snapshot.remove', vmid, snapshotId];
    }
  }
}

const ESXI_SNAPSHOT_VERB = { create: 'create', revert: 'revert', delete: 'remove' } as const;

// Registry descriptor ---------------------------------------------------------------------------

export const ESXI_REBOOT: RebootDefaults = {
  command: { shell: 'esxcli system shutdown reboot --delay 10 --reason "patchwalk host patch"' },
  bootId: { shell: 'vim-cmd hostsvc/hostsummary | grep bootTime' },
};

export const esxiProvider: ProviderDescriptor = {
  kind: 'esxi',
  settings: { host: { required: true, missing: 'inventory: provider esxi needs host (an ssh destination such as root@{{ host }}) or target.ssh' } },
  ssh: true,
  flavour: 'posix',
  reboot: ESXI_REBOOT,
  snapshots: true,
  create: ({ run }) => new EsxiProvider(run),
};
