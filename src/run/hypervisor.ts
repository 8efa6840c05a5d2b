// Picks the inventory provider and host control a runbook names, from the provider registry.
// Templates in `uri`, `host`, `node` and `target.ssh` are expanded when first needed, after the run
// has its param values.
import type { Runbook } from '../runbook/schema.js';
import type {
  HostControl,
  InventoryProvider,
  PowerRequest,
  ProviderContext,
  ProviderDescriptor,
  RebootRequest,
  SnapshotRequest,
} from '../inventory/provider.js';
import { KnownCauseError, UsageError } from '../exit-codes.js';
import { renderText } from '../runbook/template.js';
import { SshConnections, type RemoteFlavour } from '../exec/ssh-transport.js';
import { runLocal, runOver, type CommandRunner } from '../inventory/provider-exec.js';
import { providerDescriptor } from '../inventory/provider-registry.js';
import { SshHost } from '../inventory/ssh-host.js';
import type { RollingMember, Vm, VmResult } from '../engine/types.js';
import type { ClusterControl } from './drive-run.js';
import { clusterHypervisor } from '../rolling/cluster-hypervisor.js';

export { simSpeed } from '../inventory/sim-host.js';

export interface Hypervisor {
  provider: InventoryProvider;
  host: HostControl;
  /** ssh destination of `on: host` steps, once params have values; undefined runs them locally. */
  ssh?: () => string | undefined;
  /** How the target's shell behaves: POSIX, or Windows (Hyper-V). */
  flavour?: RemoteFlavour;
  /** A cluster run: the members' capacity and ssh destinations. */
  cluster?: ClusterControl;
}

export interface HypervisorOptions {
  /** The run's param values; asked when the provider is first used. */
  params?: () => Record<string, string>;
  /** The run's ssh connections; closed by whoever made them. */
  connections?: SshConnections;
  /** sim: keep the simulated VM states in this file (the run's folder), and start from it. */
  simStateFile?: string;
  /** A cluster runbook's members: one provider per member (src/rolling/cluster-hypervisor.ts). */
  members?: RollingMember[];
  /** Sees every call of the provider's tool, and where it goes (`vms --record` keeps them). */
  wrapRunner?: (run: CommandRunner, where: Pick<ProviderContext, 'uri' | 'node' | 'destination'>) => CommandRunner;
}

/**
 * Builds the real provider on first use, so templates see the params the operator gave. A failure
 * to build (a template without a value, say) comes back as the call's rejection, never a throw.
 */
class LazyProvider implements InventoryProvider {
  private built: InventoryProvider | undefined;
  readonly snapshot?: (request: SnapshotRequest) => Promise<VmResult[]>;
  constructor(
    readonly kind: string,
    private readonly build: () => InventoryProvider,
    snapshots: boolean,
  ) {
    if (snapshots) {
      this.snapshot = (request) =>
        this.call((real) => {
          if (!real.snapshot) throw new Error(`the ${kind} provider cannot take snapshots`);
          return real.snapshot(request);
        });
    }
  }
  private call<T>(use: (real: InventoryProvider) => Promise<T>): Promise<T> {
    return Promise.resolve()
      .then(() => {
        this.built ??= this.build();
        return use(this.built);
      })
      .catch((error: unknown) => {
        // A host that cannot be reached or a tool that fails is a cause outside patchwalk: it is
        // named as such, never reported as an internal error.
        throw error instanceof KnownCauseError || error instanceof UsageError || !(error instanceof Error) ? error : new KnownCauseError(error.message, { cause: error });
      });
  }
  list(options?: Parameters<InventoryProvider['list']>[0]): Promise<Vm[]> {
    return this.call((real) => real.list(options));
  }
  power(request: PowerRequest): Promise<VmResult[]> {
    return this.call((real) => real.power(request));
  }
}

function descriptorOf(runbook: Runbook): ProviderDescriptor {
  const kind = runbook.inventory?.provider ?? 'sim';
  const descriptor = providerDescriptor(kind);
  if (!descriptor) throw new UsageError(`inventory: unknown provider ${kind}`);
  return descriptor;
}

export function hypervisorFor(runbook: Runbook, options: HypervisorOptions = {}): Hypervisor {
  if (options.members) return clusterHypervisor(runbook, options.members, { ...options, members: undefined }, hypervisorFor);
  const inventory = runbook.inventory ?? { provider: 'sim' as const };
  const descriptor = descriptorOf(runbook);
  const params: () => Record<string, string> = options.params ?? (() => ({}));
  const expand = (text: string) =>
    renderText(text, ([name, ...rest]) => (name !== undefined && rest.length === 0 ? (params()[name] ?? runbook.params?.[name]?.default) : undefined));
  const targetSsh = runbook.target?.ssh;
  const ssh = targetSsh ? () => expand(targetSsh) : undefined;

  // An ssh provider reaches its host through inventory.host, or else target.ssh.
  const providerSsh = descriptor.ssh ? (inventory.host ?? targetSsh) : undefined;
  const given = { uri: inventory.uri, host: providerSsh, node: inventory.node };
  for (const [setting, rule] of Object.entries(descriptor.settings) as [keyof typeof given, { required: boolean; missing?: string }][]) {
    if (rule.required && !given[setting]) throw new UsageError(rule.missing ?? `inventory: provider ${descriptor.kind} needs ${setting}`);
  }

  if (descriptor.simulated) {
    const sim = descriptor.create({ inventory, run: runLocal, simStateFile: options.simStateFile });
    // Simulated VMs, but on: host steps may still go to a real box (a rehearsal host) over ssh.
    if (!isHostControl(sim)) throw new Error(`the ${descriptor.kind} provider does not reboot its host`);
    return { provider: sim, host: sim, ssh };
  }

  const connections = options.connections ?? new SshConnections();
  const flavour = descriptor.flavour;
  const transportTo = (destination: string) => connections.get(destination, flavour);
  const context = (): ProviderContext => {
    const destination = providerSsh === undefined ? undefined : expand(providerSsh);
    const where = {
      uri: inventory.uri === undefined ? undefined : expand(inventory.uri),
      node: inventory.node === undefined ? undefined : expand(inventory.node),
      destination,
    };
    const run: CommandRunner = destination === undefined ? runLocal : runOver(transportTo(destination));
    return { inventory, ...where, run: options.wrapRunner ? options.wrapRunner(run, where) : run };
  };
  const provider = new LazyProvider(descriptor.kind, () => descriptor.create(context()), descriptor.snapshots);

  const rebootVia = targetSsh ?? providerSsh;
  const host: HostControl = rebootVia
    ? new SshHost(() => transportTo(expand(rebootVia)), { defaults: descriptor.reboot, provider })
    : {
        reboot: async (request: RebootRequest) => ({ outcome: 'error', message: `cannot reboot ${request.host}: the runbook names no target.ssh` }),
      };
  return { provider, host, ssh, flavour };
}

function isHostControl(provider: InventoryProvider): provider is InventoryProvider & HostControl {
  return typeof (provider as Partial<HostControl>).reboot === 'function';
}
