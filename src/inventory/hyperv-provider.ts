// Hyper-V through PowerShell over the run's ssh connection (OpenSSH on Windows Server). Each call
// is one `powershell -EncodedCommand`: the script travels as base64, and VM names inside it are
// PowerShell single-quoted literals, so `o'brien` and `a;b` are just names.
import type { Vm, VmAction, VmResult, VmState } from '../engine/types.js';
import { decodeScript, LIST_SCRIPT, parseGetVm, powershellArgv, powershellError, psQuote, STATES_SCRIPT, vmByName } from './hyperv-parse.js';
import { powerByPolling } from './power-poll.js';
import { succeeded, type CommandOutput, type CommandRunner, type RunOptions } from './provider-exec.js';
import type { InventoryProvider, PowerRequest } from './provider.js';
import { StateBatch } from './state-batch.js';

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
          return states[0];
        },
      },
      this.pollMs,
    );
  }
}

export { decodeScript };
