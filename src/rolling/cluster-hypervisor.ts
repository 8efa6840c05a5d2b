// The hypervisor of a cluster run: one provider and host control per member, built from the
// member's own uri / host / node / ssh, behind one provider that lists every member's VMs (each
// with its host) and sends each power change, migration and reboot to the member it concerns.
// The simulated cluster is one object that plays every member.
import type { MemberFree, RollingMember, Vm, VmResult } from '../engine/types.js';
import { SimCluster } from '../inventory/sim-cluster.js';
import { simSpeed } from '../inventory/sim-host.js';
import type { HostControl, InventoryProvider, PowerRequest, RebootRequest, RebootResult } from '../inventory/provider.js';
import type { ClusterControl } from '../run/drive-run.js';
import type { Runbook } from '../runbook/schema.js';
import type { Hypervisor, HypervisorOptions } from '../run/hypervisor.js';

export interface ClusterHypervisor extends Hypervisor {
  cluster: ClusterControl;
}

type Build = (runbook: Runbook, options: HypervisorOptions) => Hypervisor;

/** A provider that may report its host's spare room (cluster-plan adds it to the real providers). */
type WithCapacity = InventoryProvider & { capacity?(): Promise<{ memory_free_mib: number; vcpus_free: number }> };

class MemberRouter implements InventoryProvider, HostControl {
  readonly kind: string;
  private readonly where = new Map<string, string>();
  constructor(
    private readonly members: RollingMember[],
    private readonly parts: Map<string, Hypervisor>,
  ) {
    this.kind = parts.values().next().value?.provider.kind ?? 'cluster';
  }

  private part(member: string): Hypervisor {
    const part = this.parts.get(member);
    if (!part) throw new Error(`no member ${member} in the cluster`);
    return part;
  }

  async list(options?: Parameters<InventoryProvider['list']>[0]): Promise<Vm[]> {
    const lists = await Promise.all(this.members.map(async (member) => (await this.part(member.name).provider.list(options)).map((vm) => ({ ...vm, host: member.name }))));
    const vms = lists.flat();
    this.where.clear();
    for (const vm of vms) this.where.set(vm.name, vm.host);
    return vms;
  }

  /** How the destination's provider names a member: its libvirt URI, Proxmox node or Hyper-V host. */
  private destination(name: string | undefined): string | undefined {
    const member = this.members.find((candidate) => candidate.name === name);
    return member ? (member.uri ?? member.node ?? member.host ?? member.name) : name;
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    const byHost = new Map<string, string[]>();
    const results: VmResult[] = [];
    for (const name of request.vms) {
      const host = this.where.get(name);
      if (!host) {
        results.push({ name, outcome: 'error', message: 'not found on any member' });
        continue;
      }
      byHost.set(host, [...(byHost.get(host) ?? []), name]);
    }
    for (const [host, vms] of byHost) {
      if (request.action === 'migrate' && host === request.to) {
        results.push(...vms.map((name): VmResult => ({ name, outcome: 'ok' })));
        continue;
      }
      const done = await this.part(host).provider.power({ ...request, vms, to: request.action === 'migrate' ? this.destination(request.to) : request.to });
      for (const result of done) if (request.action === 'migrate' && result.outcome === 'ok' && request.to) this.where.set(result.name, request.to);
      results.push(...done);
    }
    return results;
  }

  reboot(request: RebootRequest): Promise<RebootResult> {
    return this.part(request.host).host.reboot(request);
  }

  async membersFree(): Promise<MemberFree[]> {
    return Promise.all(
      this.members.map(async (member) => {
        const provider = this.part(member.name).provider as WithCapacity;
        if (!provider.capacity) throw new Error(`the ${provider.kind} provider cannot report a member's free memory`);
        return { name: member.name, ...(await provider.capacity()) };
      }),
    );
  }
}

export function clusterHypervisor(runbook: Runbook, members: RollingMember[], options: HypervisorOptions, build: Build): ClusterHypervisor {
  const inventory = runbook.inventory ?? { provider: 'sim' as const };
  const sshFor = (name: string) => members.find((member) => member.name === name)?.ssh;
  if (inventory.provider === 'sim') {
    const sim = new SimCluster({
      members: members.map((member) => member.name),
      vms: inventory.vms ?? [],
      capacity: inventory.capacity,
      rebootTime: inventory.reboot_time,
      speed: simSpeed(),
      stateFile: options.simStateFile,
    });
    return { provider: sim, host: sim, cluster: { capacity: () => sim.membersFree(), sshFor } };
  }
  const parts = new Map(
    members.map((member) => [
      member.name,
      build(
        {
          ...runbook,
          inventory: { ...inventory, uri: member.uri ?? inventory.uri, host: member.host ?? inventory.host, node: member.node ?? inventory.node },
          target: { ...runbook.target, name: member.name, ...(member.ssh ? { ssh: member.ssh } : {}) },
        },
        options,
      ),
    ]),
  );
  const router = new MemberRouter(members, parts);
  return { provider: router, host: router, cluster: { capacity: () => router.membersFree(), sshFor }, flavour: parts.values().next().value?.flavour };
}
