// Hyper-V through PowerShell over the run's ssh connection (OpenSSH on Windows Server). Each call
// is one `powershell -EncodedCommand`: the script travels as base64, and VM names inside it are
// PowerShell single-quoted literals, so `o'brien` and `a;b` are just names.
import type { Vm, VmAction, VmResult, VmState } from '../engine/types.js';
import { decodeScript, LIST_SCRIPT, parseGetVm, powershellArgv, powershellError, psQuote, STATES_SCRIPT, vmByName } from './hyperv-parse.js';
import { powerByPolling } from './power-poll.js';
import { succeeded, type CommandOutput, type CommandRunner, type RunOptions } from './provider-exec.js';
import type { InventoryProvider, PowerRequest } from './provider.js';
import type { ProviderDescriptor, RebootDefaults } from './provider.js';
import { forEachBounded, type SnapshotRequest } from './provider.js';
import { snapshotNameProblem } from './snapshot-name.js';
import { hypervState } from './hyperv-parse.js';
import { StateBatch } from './state-batch.js';
import { HYPERV_CAPACITY_SCRIPT, parseClusterNodes, parseHypervCapacity, type HostCapacity } from '../cluster/capacity-parse.js';
import type { MaintenanceOptions } from './provider.js';

const CMDLET: Record<VmAction, string> = { shutdown: 'Stop-VM', poweroff: 'Stop-VM -TurnOff', start: 'Start-VM', migrate: 'Move-VM' };

export class HypervProvider implements InventoryProvider {
  readonly kind = 'hyperv';

  constructor(
    private readonly run: CommandRunner,
    private readonly pollMs?: number,
  ) {}

  private async ps(what: string, script: string, options?: RunOptions): Promise<string> {
    const output: CommandOutput = await this.run(powershellArgv(script), options);
    if (!succeeded(output)) throw new Error(`${what} failed: ${output.problem ?? (powershellError(output.stderr) || `exit code ${output.exitCode}`)}`);
    return output.stdout;
  }

  async list(): Promise<Vm[]> {
    return parseGetVm(await this.ps('Get-VM', LIST_SCRIPT));
  }

  /** Every VM's state from one Get-VM, however many VMs are being polled; a name held twice maps to all its states. */
  private readonly states = new StateBatch<VmState[]>(async () => {
    const states = new Map<string, VmState[]>();
    for (const vm of parseGetVm(await this.ps('Get-VM', STATES_SCRIPT))) states.set(vm.name, [...(states.get(vm.name) ?? []), vm.state]);
    return states;
  });

  /** The script of one power change. */
  static powerScript(action: VmAction, name: string, to?: string): string {
    const find = vmByName(name);
    switch (action) {
      case 'shutdown':
        // A graceful shutdown through the guest's shutdown integration service.
        return `${find}; Stop-VM -VM $vm -Confirm:$false`;
      case 'poweroff':
        return `${find}; Stop-VM -VM $vm -TurnOff -Force -Confirm:$false`;
      case 'start':
        return `${find}; Start-VM -VM $vm`;
      case 'migrate':
        return `${find}; Move-VM -VM $vm -DestinationHost ${psQuote(to ?? '')}`;
    }
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return powerByPolling(
      request,
      {
        issue: async (action, name, { to, timeoutMs, signal }) => {
          if (action === 'migrate' && !to) return 'live migration needs a destination host (migrate: { to: HOST })';
          try {
            await this.ps(`${CMDLET[action]} ${name}`, HypervProvider.powerScript(action, name, to), { timeoutMs, signal });
            return undefined;
          } catch (error) {
            return signal.aborted ? undefined : (error as Error).message;
          }
        },
        state: async (name) => {
          const states = (await this.states.get(name)) ?? [];
          if (states.length !== 1) throw new Error(`Hyper-V has ${states.length} virtual machines named '${name}'`);
          return states[0]!; // exactly one, checked just above
        },
      },
      this.pollMs,
    );
  }

  // Cluster --------------------------------------------------------------------------------------

  async capacity(): Promise<HostCapacity> {
    return parseHypervCapacity(await this.ps('reading the host capacity', HYPERV_CAPACITY_SCRIPT));
  }

  /**
   * A failover cluster node's maintenance: Suspend-ClusterNode -Drain -Wait moves its roles away
   * by live migration and returns when the drain is over; Resume-ClusterNode -Failback Immediate
   * brings them back. The node's state afterwards says whether it worked.
   */
  async maintenance(node: string, on: boolean, options: MaintenanceOptions = {}): Promise<void> {
    const output = await this.ps(on ? `Suspend-ClusterNode ${node} -Drain` : `Resume-ClusterNode ${node}`, HypervProvider.maintenanceScript(node, on), options);
    const status = parseClusterNodes(output).find((candidate) => candidate.name.toLowerCase() === node.toLowerCase());
    if (!status) throw new Error(`Get-ClusterNode did not list ${node}`);
    if (on && (status.state !== 'Paused' || status.drainStatus !== 'Completed')) {
      throw new Error(`draining ${node} did not complete: state ${status.state}, drain ${status.drainStatus}; Get-ClusterGroup shows the roles still there`);
    }
    if (!on && status.state !== 'Up') throw new Error(`${node} did not resume: state ${status.state}`);
  }

  static maintenanceScript(node: string, on: boolean): string {
    const name = psQuote(node);
    const change = on ? `Suspend-ClusterNode -Name ${name} -Drain -Wait -ErrorAction Stop | Out-Null` : `Resume-ClusterNode -Name ${name} -Failback Immediate -ErrorAction Stop | Out-Null`;
    return `${change}; Get-ClusterNode -Name ${name} | Select-Object Name, @{n='State';e={$_.State.ToString()}}, @{n='DrainStatus';e={$_.DrainStatus.ToString()}} | ConvertTo-Json -Depth 1`;
  }

  // Snapshots (checkpoints) ----------------------------------------------------------------------

  async snapshot(request: SnapshotRequest): Promise<VmResult[]> {
    const problem = snapshotNameProblem(request.name);
    if (problem) return request.vms.map((name) => ({ name, outcome: 'error', message: problem }));
    return forEachBounded(request.vms, request.concurrency, async (name): Promise<VmResult> => {
      const script = HypervProvider.snapshotScript(request, name);
      const output = await this.run(powershellArgv(script), { timeoutMs: request.timeoutMs, signal: request.signal });
      if (output.problem === 'timed out') return { name, outcome: 'timeout', message: `${SNAPSHOT_CMDLET[request.action]} ${name} timed out` };
      if (!succeeded(output)) {
        return { name, outcome: 'error', message: `${SNAPSHOT_CMDLET[request.action]} ${name} failed: ${output.problem ?? (powershellError(output.stderr) || `exit code ${output.exitCode}`)}` };
      }
      if (request.action === 'revert') request.onState(name, hypervState(output.stdout.trim()));
      return { name, outcome: 'ok' };
    });
  }

  /**
   * The script of one checkpoint action. Hyper-V allows two checkpoints of one name, so create
   * refuses a name in use, and revert and delete need exactly one. The checkpoint type is a VM
   * setting: it is set for this checkpoint only and put back. Names are checked before they get
   * here, so they hold no wildcard.
   */
  static snapshotScript(request: Pick<SnapshotRequest, 'action' | 'name' | 'memory' | 'quiesce'>, name: string): string {
    const find = vmByName(name);
    const checkpoint = psQuote(request.name);
    const one =
      `$cp = @(Get-VMSnapshot -VM $vm -Name ${checkpoint}); ` +
      `if ($cp.Count -ne 1) { throw "$($vm.Name) has $($cp.Count) checkpoints named " + ${psQuote(psQuote(request.name))} }`;
    switch (request.action) {
      case 'create': {
        // Standard keeps the memory; ProductionOnly freezes the guest through VSS and keeps none.
        const type = request.memory ? 'Standard' : request.quiesce === false ? 'Production' : 'ProductionOnly';
        return (
          `${find}; ` +
          `if (@(Get-VMSnapshot -VM $vm -Name ${checkpoint}).Count -gt 0) { throw "$($vm.Name) already has a checkpoint named " + ${psQuote(psQuote(request.name))} }; ` +
          `$type = $vm.CheckpointType; Set-VM -VM $vm -CheckpointType ${type}; ` +
          `try { Checkpoint-VM -VM $vm -SnapshotName ${checkpoint} -Confirm:$false } finally { Set-VM -VM $vm -CheckpointType $type }`
        );
      }
      case 'revert':
        return `${find}; ${one}; Restore-VMCheckpoint -VMSnapshot $cp[0] -Confirm:$false; (Get-VM -Id $vm.Id).State.ToString()`;
      case 'delete':
        return `${find}; ${one}; Remove-VMCheckpoint -VMSnapshot $cp[0] -Confirm:$false`;
    }
  }
}

const SNAPSHOT_CMDLET = { create: 'Checkpoint-VM', revert: 'Restore-VMCheckpoint', delete: 'Remove-VMCheckpoint' } as const;

export { decodeScript };

// Registry descriptor ---------------------------------------------------------------------------

export const WINDOWS_REBOOT: RebootDefaults = {
  command: { shell: 'powershell -NoProfile -NonInteractive -Command "Restart-Computer -Force"' },
  bootId: { shell: `powershell -NoProfile -NonInteractive -Command "(Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')"` },
};

export const hypervProvider: ProviderDescriptor = {
  kind: 'hyperv',
  settings: { host: { required: true, missing: 'inventory: provider hyperv needs host (an ssh destination such as administrator@{{ host }}) or target.ssh' } },
  ssh: true,
  flavour: 'windows',
  reboot: WINDOWS_REBOOT,
  snapshots: true,
  create: ({ run }) => new HypervProvider(run),
};
