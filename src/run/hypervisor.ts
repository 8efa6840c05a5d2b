// Picks the inventory provider and host control a runbook names. Templates in `uri`, `host`,
// `node` and `target.ssh` are expanded when first needed, after the run has its param values.
import type { Runbook } from '../runbook/schema.js';
import { SimHost } from '../inventory/sim-host.js';
import type { HostControl, InventoryProvider, PowerRequest, RebootRequest } from '../inventory/provider.js';
import { UsageError } from '../exit-codes.js';
import { renderText } from '../runbook/template.js';
import { SshConnections, type RemoteFlavour, type SshTransport } from '../exec/ssh-transport.js';
import { LibvirtProvider } from '../inventory/libvirt-provider.js';
import { HypervProvider } from '../inventory/hyperv-provider.js';
import { EsxiProvider } from '../inventory/esxi-provider.js';
import { ProxmoxProvider } from '../inventory/proxmox-provider.js';
import { runOver } from '../inventory/provider-exec.js';
import { ESXI_REBOOT, LINUX_REBOOT, SshHost, WINDOWS_REBOOT } from '../inventory/ssh-host.js';
import type { Vm, VmResult } from '../engine/types.js';

export interface Hypervisor {
  provider: InventoryProvider;
  host: HostControl;
  /** ssh destination of `on: host` steps, once params have values; undefined runs them locally. */
  ssh?: () => string | undefined;
  /** How the target's shell behaves: POSIX, or Windows (Hyper-V). */
  flavour?: RemoteFlavour;
}

export interface HypervisorOptions {
  /** The run's param values; asked when the provider is first used. */
  params?: () => Record<string, string>;
  /** The run's ssh connections; closed by whoever made them. */
  connections?: SshConnections;
  /** sim: keep the simulated VM states in this file (the run's folder), and start from it. */
  simStateFile?: string;
}

export function simSpeed(env: NodeJS.ProcessEnv = process.env): number {
  const speed = Number(env.PATCHWALK_SIM_SPEED ?? '1');
  return Number.isFinite(speed) && speed > 0 ? speed : 1;
}

/** Builds the real provider on first use, so templates see the params the operator gave. */
class LazyProvider implements InventoryProvider {
  private built: InventoryProvider | undefined;
  constructor(
    readonly kind: string,
    private readonly build: () => InventoryProvider,
  ) {}
  private get real(): InventoryProvider {
    this.built ??= this.build();
    return this.built;
  }
  list(): Promise<Vm[]> {
    return Promise.resolve().then(() => this.real.list());
  }
  power(request: PowerRequest): Promise<VmResult[]> {
    return Promise.resolve().then(() => this.real.power(request));
  }
}

export function hypervisorFor(runbook: Runbook, options: HypervisorOptions = {}): Hypervisor {
  const inventory = runbook.inventory ?? { provider: 'sim' as const };
  const params: () => Record<string, string> = options.params ?? (() => ({}));
  const expand = (text: string) =>
    renderText(text, (path) => (path.length === 1 ? (params()[path[0]] ?? runbook.params?.[path[0]]?.default) : undefined));
  const targetSsh = runbook.target?.ssh;
  const ssh = targetSsh ? () => expand(targetSsh) : undefined;
  if (inventory.provider === 'sim') {
    const sim = new SimHost({ vms: inventory.vms, rebootTime: inventory.reboot_time, speed: simSpeed(), stateFile: options.simStateFile });
    // Simulated VMs, but on: host steps may still go to a real box (a rehearsal host) over ssh.
    return { provider: sim, host: sim, ssh };
  }
  const connections = options.connections ?? new SshConnections();
  const flavour: RemoteFlavour = inventory.provider === 'hyperv' ? 'windows' : 'posix';
  const providerSsh = inventory.host ?? targetSsh;
  const transportTo = (destination: string): SshTransport => connections.get(destination, flavour);

  let provider: InventoryProvider;
  switch (inventory.provider) {
    case 'libvirt': {
      const uri = inventory.uri;
      if (!uri) throw new UsageError('inventory: provider libvirt needs a uri, e.g. qemu+ssh://root@{{ host }}/system');
      provider = new LazyProvider('libvirt', () => new LibvirtProvider(expand(uri)));
      break;
    }
    case 'hyperv':
    case 'esxi':
    case 'proxmox': {
      if (!providerSsh) throw new UsageError(`inventory: provider ${inventory.provider} needs host (an ssh destination such as root@{{ host }}) or target.ssh`);
      const kind = inventory.provider;
      const node = inventory.node;
      provider = new LazyProvider(kind, () => {
        const destination = expand(providerSsh);
        const run = runOver(transportTo(destination));
        if (kind === 'hyperv') return new HypervProvider(run);
        if (kind === 'esxi') return new EsxiProvider(run);
        const nodeName = node ? expand(node) : destination.replace(/^.*@/, '').split('.')[0];
        return new ProxmoxProvider(nodeName, run);
      });
      break;
    }
  }
  const rebootVia = targetSsh ?? providerSsh;
  const defaults = inventory.provider === 'hyperv' ? WINDOWS_REBOOT : inventory.provider === 'esxi' ? ESXI_REBOOT : LINUX_REBOOT;
  const host: HostControl = rebootVia
    ? new SshHost(() => transportTo(expand(rebootVia)), { defaults, provider })
    : {
        reboot: async (request: RebootRequest) => ({ outcome: 'error', message: `cannot reboot ${request.host}: the runbook names no target.ssh` }),
      };
  return { provider, host, ssh, flavour };
}
