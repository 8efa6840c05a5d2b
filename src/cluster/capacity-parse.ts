// What each platform prints about a host's room for more VMs, and about its cluster's maintenance
// state, read into numbers: libvirt's `virsh nodeinfo` / `nodememstats` / `freecell`, Proxmox's
// `pvesh get /cluster/resources` and `ha-manager status`, Hyper-V's Get-VMHost and Get-ClusterNode.
import { HOST_MEMORY_RESERVE_MIB, PLACEMENT_VCPU_RATIO } from '../limits.js';

export interface HostCapacity {
  memory_free_mib: number;
  vcpus_free: number;
}

/**
 * Room for more VMs: the memory the host can still give (less a reserve for the host itself), and
 * its logical CPUs times the vCPU overcommit ratio, less the vCPUs of the VMs running there.
 */
export function capacityFrom(figures: { cpus: number; memoryAvailableMib: number; runningVcpus: number }): HostCapacity {
  return {
    memory_free_mib: Math.max(0, Math.floor(figures.memoryAvailableMib - HOST_MEMORY_RESERVE_MIB)),
    vcpus_free: Math.max(0, Math.floor(figures.cpus * PLACEMENT_VCPU_RATIO) - figures.runningVcpus),
  };
}

function kibToMib(kib: number): number {
  return Math.floor(kib / 1024);
}

/** `NAME: VALUE` lines, as virsh prints them. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

function kib(value: string | undefined, what: string): number {
  const match = /^(\d+)\s*KiB$/i.exec(value ?? '');
  if (!match) throw new Error(`cannot read ${what}: expected a number of KiB, got ${JSON.stringify(value ?? '')}`);
  return Number(match[1]);
}

/** `virsh nodeinfo`: logical CPUs and memory size. */
export function parseNodeInfo(text: string): { cpus: number; memoryMib: number } {
  const map = fields(text);
  const cpus = Number(map.get('cpu(s)'));
  if (!Number.isInteger(cpus) || cpus < 1) throw new Error(`cannot read virsh nodeinfo: no "CPU(s):" line in ${JSON.stringify(text.slice(0, 200))}`);
  return { cpus, memoryMib: kibToMib(kib(map.get('memory size'), 'virsh nodeinfo memory size')) };
}

/** `virsh nodememstats`: memory the host can give, free plus buffers and page cache, in MiB. */
export function parseNodeMemStats(text: string): number {
  const map = fields(text);
  const free = kib(map.get('free'), 'virsh nodememstats free');
  const buffers = map.has('buffers') ? kib(map.get('buffers'), 'virsh nodememstats buffers') : 0;
  const cached = map.has('cached') ? kib(map.get('cached'), 'virsh nodememstats cached') : 0;
  return kibToMib(free + buffers + cached);
}

/** `virsh freecell --all`: the total free memory of every NUMA cell, in MiB (drivers without nodememstats). */
export function parseFreecellTotal(text: string): number {
  return kibToMib(kib(fields(text).get('total'), 'virsh freecell total'));
}

// Proxmox ----------------------------------------------------------------------------------------

export interface ProxmoxNodeResource {
  node: string;
  online: boolean;
  maxcpu: number;
  maxmemMib: number;
  memMib: number;
}

export interface ProxmoxGuestResource {
  node: string;
  vmid: string;
  name: string;
  running: boolean;
  vcpus: number;
  memoryMib: number;
  /** HA state when the guest is an HA resource (started, stopped, migrate…). */
  hastate?: string;
}

const MIB = 1024 * 1024;

/** `pvesh get /cluster/resources --output-format json`: the nodes and guests of the whole cluster. */
export function parseClusterResources(text: string): { nodes: Map<string, ProxmoxNodeResource>; guests: ProxmoxGuestResource[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`cannot read pvesh get /cluster/resources: not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (!Array.isArray(data)) throw new Error('cannot read pvesh get /cluster/resources: expected a JSON list');
  const nodes = new Map<string, ProxmoxNodeResource>();
  const guests: ProxmoxGuestResource[] = [];
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : Number(value) || 0);
  for (const item of data as Record<string, unknown>[]) {
    if (!item || typeof item !== 'object' || typeof item.node !== 'string') continue;
    if (item.type === 'node') {
      nodes.set(item.node, { node: item.node, online: item.status === 'online', maxcpu: number(item.maxcpu), maxmemMib: Math.floor(number(item.maxmem) / MIB), memMib: Math.ceil(number(item.mem) / MIB) });
    } else if (item.type === 'qemu' && number(item.template) !== 1) {
      guests.push({
        node: item.node,
        vmid: String(item.vmid ?? ''),
        name: String(item.name ?? ''),
        running: item.status === 'running',
        vcpus: number(item.maxcpu),
        memoryMib: Math.floor(number(item.maxmem) / MIB),
        ...(typeof item.hastate === 'string' ? { hastate: item.hastate } : {}),
      });
    }
  }
  return { nodes, guests };
}

export function proxmoxCapacity(resources: ReturnType<typeof parseClusterResources>, node: string): HostCapacity {
  const found = resources.nodes.get(node);
  if (!found) throw new Error(`node ${node} is not in the cluster's resources (nodes: ${[...resources.nodes.keys()].join(', ') || 'none'})`);
  if (!found.online) throw new Error(`node ${node} is not online`);
  const runningVcpus = resources.guests.filter((guest) => guest.node === node && guest.running).reduce((sum, guest) => sum + guest.vcpus, 0);
  return capacityFrom({ cpus: found.maxcpu, memoryAvailableMib: found.maxmemMib - found.memMib, runningVcpus });
}

export interface HaStatus {
  quorate: boolean;
  master?: string;
  /** Per node: active, idle, maintenance mode, old timestamp - dead?… */
  lrm: Map<string, string>;
  services: { sid: string; node: string; state: string }[];
}

/** `ha-manager status`: one `TYPE STATUS` line per entry (PVE::CLI::ha_manager). */
export function parseHaStatus(text: string): HaStatus {
  const status: HaStatus = { quorate: false, lrm: new Map(), services: [] };
  for (const line of text.split(/\r?\n/)) {
    const quorum = /^quorum\s+(.*)$/.exec(line);
    if (quorum) status.quorate = quorum[1]!.trim() === 'OK';
    const master = /^master\s+(\S+)\s+\(/.exec(line);
    if (master) status.master = master[1]!;
    const lrm = /^lrm\s+(\S+)\s+\(([^,)]+)/.exec(line);
    if (lrm) status.lrm.set(lrm[1]!, lrm[2]!.trim());
    const service = /^service\s+(\S+)\s+\(([^,]+),\s*([^)]+)\)/.exec(line);
    if (service) status.services.push({ sid: service[1]!, node: service[2]!.trim(), state: service[3]!.trim() });
  }
  return status;
}

/** The node's maintenance has taken hold (on) or been lifted (off), and no HA guest is still on its way off it. */
export function haMaintenanceReached(status: HaStatus, node: string, on: boolean): boolean {
  const inMaintenance = status.lrm.get(node) === 'maintenance mode';
  if (!on) return !inMaintenance;
  return inMaintenance && !status.services.some((service) => service.node === node && ['started', 'migrate', 'relocate', 'starting'].includes(service.state));
}

// Hyper-V ----------------------------------------------------------------------------------------

/**
 * One JSON object: the host's logical CPUs, its free physical memory (KB), and the vCPUs of the
 * VMs running there. Get-VMHost alone has no free memory; Win32_OperatingSystem has it.
 */
export const HYPERV_CAPACITY_SCRIPT =
  '$h = Get-VMHost; $os = Get-CimInstance Win32_OperatingSystem; ' +
  "$v = (@(Get-VM | Where-Object { $_.State -eq 'Running' }) | Measure-Object -Property ProcessorCount -Sum).Sum; " +
  '[pscustomobject]@{ LogicalProcessorCount = $h.LogicalProcessorCount; MemoryCapacity = $h.MemoryCapacity; FreePhysicalMemory = $os.FreePhysicalMemory; RunningVcpus = [int]$v } | ConvertTo-Json -Depth 1';

function jsonObject(text: string, what: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new Error(`cannot read ${what}: not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (Array.isArray(data)) data = data[0];
  if (!data || typeof data !== 'object') throw new Error(`cannot read ${what}: expected a JSON object`);
  return data as Record<string, unknown>;
}

export function parseHypervCapacity(text: string): HostCapacity {
  const data = jsonObject(text, 'the Hyper-V host capacity');
  const cpus = Number(data.LogicalProcessorCount);
  const freeKb = Number(data.FreePhysicalMemory);
  if (!Number.isFinite(cpus) || cpus < 1 || !Number.isFinite(freeKb)) {
    throw new Error('cannot read the Hyper-V host capacity: LogicalProcessorCount or FreePhysicalMemory is missing');
  }
  return capacityFrom({ cpus, memoryAvailableMib: kibToMib(freeKb), runningVcpus: Number(data.RunningVcpus) || 0 });
}

/** ClusterNodeState and ClusterNodeDrainStatus, which PowerShell 5.1's ConvertTo-Json writes as numbers. */
const NODE_STATES: Record<string, string> = { '-1': 'Unknown', '0': 'Up', '1': 'Down', '2': 'Paused', '3': 'Joining' };
const DRAIN_STATES: Record<string, string> = { '0': 'NotInitiated', '1': 'InProgress', '2': 'Completed', '3': 'Failed' };

export interface ClusterNodeStatus {
  name: string;
  state: string;
  drainStatus: string;
}

export const HYPERV_CLUSTER_NODES_SCRIPT = 'Get-ClusterNode | Select-Object Name, State, DrainStatus | ConvertTo-Json -Depth 1';

/** `Get-ClusterNode | Select-Object Name, State, DrainStatus | ConvertTo-Json`: one object, or a list of them. */
export function parseClusterNodes(text: string): ClusterNodeStatus[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, '') || '[]');
  } catch {
    throw new Error(`cannot read Get-ClusterNode: not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const items = (Array.isArray(data) ? data : [data]) as Record<string, unknown>[];
  const word = (value: unknown, names: Record<string, string>) => (typeof value === 'number' ? (names[String(value)] ?? String(value)) : String(value ?? 'Unknown'));
  return items
    .filter((item) => item && typeof item === 'object' && typeof item.Name === 'string')
    .map((item) => ({ name: String(item.Name), state: word(item.State, NODE_STATES), drainStatus: word(item.DrainStatus, DRAIN_STATES) }));
}

// libvirt ----------------------------------------------------------------------------------------

/** Why a domain cannot live-migrate, from its XML: a host device passed through. */
export function unmovableFromDomainXml(xml: string): string | undefined {
  const hostdev = /<hostdev\b[^>]*\btype=['"](\w+)['"]/.exec(xml);
  if (hostdev) return `${hostdev[1]!.toUpperCase()} passthrough (hostdev)`;
  if (/<hostdev\b/.test(xml)) return 'device passthrough (hostdev)';
  return undefined;
}
