// ESXi through vim-cmd over the run's ssh connection. VMs are addressed by vmid, so a name never
// reaches the ESXi shell.
import type { Vm, VmAction, VmResult, VmState } from '../engine/types.js';
import {
  DETAILS_SCRIPT,
  esxiTags,
  parseAutostart,
  parseGetAllVms,
  parsePowerState,
  parseSummary,
  POWER_STATES_SCRIPT,
  splitByVm,
  vimFault,
} from './esxi-parse.js';
import { HOST_LOOP_MS_PER_VM, PROVIDER_COMMAND_TIMEOUT_MS } from '../limits.js';
import { powerByPolling } from './power-poll.js';
import { errorText, succeeded, type CommandRunner } from './provider-exec.js';
import { forEachBounded, type InventoryProvider, type PowerRequest, type ProviderDescriptor, type RebootDefaults, type SnapshotRequest } from './provider.js';
import { StateBatch } from './state-batch.js';
import { parseSnapshotTree } from './esxi-snapshot-parse.js';
import { snapshotNameProblem } from './snapshot-name.js';

const VERB: Record<Exclude<VmAction, 'migrate'>, string> = { shutdown: 'power.shutdown', poweroff: 'power.off', start: 'power.on' };

type Reading = { state: VmState } | { error: string };

export class EsxiProvider implements InventoryProvider {
  readonly kind = 'esxi';
  private vmids = new Map<string, string[]>();
  /** vCLS and other vCenter-run VMs, by vmid. */
  private system = new Set<string>();

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

  /**
   * A loop over vmids on the host: one call however many VMs. Its exit status is only the last
   * vim-cmd's, so each VM's fault is read from its own section instead.
   */
  private async perVm(what: string, script: string, vmids: string[]) {
    // vim-cmd takes a fraction of a second per VM on the host: the loop's time grows with the VMs.
    const output = await this.run(['sh', '-c', script, 'patchwalk', ...vmids], { timeoutMs: PROVIDER_COMMAND_TIMEOUT_MS + vmids.length * HOST_LOOP_MS_PER_VM });
    if (output.problem) throw new Error(`${what} failed: ${output.problem}`);
    return splitByVm(output.stdout);
  }

  async list(): Promise<Vm[]> {
    const table = parseGetAllVms(await this.vimCmd('vmsvc/getallvms', ['vmsvc/getallvms']));
    if (table.unparsed.length > 0) {
      // A VM missing from the list would be left running through the host's reboot.
      throw new Error(
        `vim-cmd vmsvc/getallvms: cannot read ${table.unparsed.length === 1 ? 'this row' : `${table.unparsed.length} rows, the first`}, so the VM list would be incomplete: ${table.unparsed[0]!.slice(0, 160)}`,
      );
    }
    const vms = table.vms.filter((vm) => !vm.template);
    this.vmids = new Map();
    for (const vm of vms) this.vmids.set(vm.name, [...(this.vmids.get(vm.name) ?? []), vm.vmid]);
    this.system = new Set(vms.filter((vm) => vm.system).map((vm) => vm.vmid));
    const details = await this.perVm('reading the VM details', DETAILS_SCRIPT, vms.map((vm) => vm.vmid));
    const autostartProblem = vimFault(details.head) ?? (/not found|denied|No such/i.test(details.head) ? details.head.trim().split('\n')[0] : undefined);
    if (autostartProblem) throw new Error(`vim-cmd hostsvc/autostartmanager/get_autostartseq failed: ${autostartProblem}`);
    const autostart = parseAutostart(details.head);
    return vms.map((vm) => {
      const summary = details.byVmid.get(vm.vmid) ?? '';
      const fault = vimFault(summary) ?? (summary.trim() ? undefined : 'no summary');
      const { vcpus, memoryMib, state } = parseSummary(summary);
      return {
        name: vm.name,
        id: vm.vmid,
        state: fault ? 'unknown' : state,
        vcpus,
        memory_mib: memoryMib,
        tags: esxiTags(vm),
        autostart: autostart.has(vm.vmid),
        ...(vm.system ? { system: true as const } : {}),
        ...(fault ? { detail: fault } : {}),
      };
    });
  }

  /** The power states of every VM being waited on, read in one call. */
  private readonly states = new StateBatch<Reading>(async (vmids) => {
    const { byVmid } = await this.perVm('vim-cmd vmsvc/power.getstate', POWER_STATES_SCRIPT, vmids);
    return new Map(
      vmids.map((vmid): [string, Reading] => {
        const text = byVmid.get(vmid) ?? '';
        const fault = vimFault(text);
        return [vmid, fault ? { error: fault } : { state: parsePowerState(text) }];
      }),
    );
  });

  private async vmidOf(name: string): Promise<string> {
    if (!this.vmids.has(name)) await this.list();
    const ids = this.vmids.get(name) ?? [];
    if (ids.length === 0) throw new Error(`no VM named ${name} on this ESXi host`);
    if (ids.length > 1) throw new Error(`${ids.length} VMs are named ${name} (vmids ${ids.join(', ')}); rename one first`);
    return ids[0]!; // exactly one, checked just above
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
            if (this.system.has(vmid)) {
              return `${name} is a vSphere Cluster Services VM that vCenter runs on this host; patchwalk never powers it (vCenter moves or stops it when the host enters maintenance mode)`;
            }
            await this.vimCmd(`vmsvc/${VERB[action]} ${name}`, EsxiProvider.powerArgs(action, vmid).slice(1));
            return undefined;
          } catch (error) {
            return (error as Error).message;
          }
        },
        state: async (name) => {
          const reading = await this.states.get(await this.vmidOf(name));
          if (!reading) throw new Error(`vim-cmd vmsvc/power.getstate ${name} printed nothing`);
          if ('error' in reading) throw new Error(`vim-cmd vmsvc/power.getstate ${name} failed: ${reading.error}`);
          return reading.state;
        },
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
