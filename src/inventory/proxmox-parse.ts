// Pure parsers for Proxmox VE's pvesh and qm output.
import type { VmState } from '../engine/types.js';

export interface ProxmoxVm {
  vmid: string;
  name: string;
  state: VmState;
  /** QEMU's own run state when it says more than `state` does (`io-error`, `guest-panicked`…), or `hibernated`. */
  detail?: string;
  vcpus: number;
  memoryMib: number;
  /** Undefined when the list has no tags field at all (Proxmox VE 6): the config's then count. */
  tags?: string[];
  lock?: string;
  template: boolean;
}

/** One VM's settings from its config file that the list does not carry. */
export interface ProxmoxConfig {
  onboot: boolean;
  order?: number;
  tags?: string[];
  lock?: string;
  /** A device passed through from the node (`hostpciN`, `usbN: host=…`): it cannot live-migrate. */
  unmovable?: string;
}

/**
 * Proxmox's coarse `status` (running/stopped) and, for a running VM, QEMU's run state
 * (`qmpstatus`, from QMP `query-status`). A paused VM is `running` by status alone.
 */
export function proxmoxState(status: string, qmpstatus?: string): { state: VmState; detail?: string } {
  const qmp = qmpstatus?.trim();
  if (qmp) {
    switch (qmp) {
      case 'running':
        return { state: 'running' };
      case 'paused':
      case 'suspended':
        return { state: 'paused' };
      // Stopped by QEMU, not by anyone's choice: not running, and the guest needs attention.
      case 'io-error':
      case 'guest-panicked':
      case 'internal-error':
      case 'watchdog':
      case 'debug':
      case 'save-vm':
        return { state: 'paused', detail: qmp };
      case 'prelaunch':
      case 'restore-vm':
        return { state: 'starting', detail: qmp };
      case 'inmigrate':
      case 'finish-migrate':
        return { state: 'migrating', detail: qmp };
      // The source side of a finished live migration, about to be stopped.
      case 'postmigrate':
        return { state: 'migrated', detail: qmp };
      case 'shutdown':
        return { state: 'shutting-down', detail: qmp };
      default:
        return { state: 'unknown', detail: qmp };
    }
  }
  switch (status.trim()) {
    case 'running':
      return { state: 'running' };
    case 'stopped':
      return { state: 'shut-off' };
    case 'paused':
    case 'suspended':
      return { state: 'paused' };
    default:
      return { state: 'unknown', detail: status.trim() || undefined };
  }
}

/** Tags are stored separated by ";" (older releases also wrote "," or spaces). */
function tagList(value: unknown): string[] {
  return String(value ?? '').split(/[;,\s]+/).filter(Boolean);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.trim() || '[]');
  } catch {
    throw new Error(`${what} printed something that is not JSON: ${(text.trim().split('\n')[0] ?? '').slice(0, 120)}`);
  }
}

/**
 * `pvesh get /nodes/NODE/qemu --full 1 --output-format json`: every VM of the node in one call.
 * `--full 1` adds QEMU's run state (`qmpstatus`) for running VMs; `lock` and (from Proxmox VE 7)
 * `tags` come from each VM's config. Sorted by vmid.
 */
export function parseQemuList(text: string): ProxmoxVm[] {
  const data = parseJson(text, 'pvesh');
  if (!Array.isArray(data)) throw new Error('pvesh did not print a list of VMs');
  return (data as Record<string, unknown>[])
    .map((item): ProxmoxVm => {
      let { state, detail } = proxmoxState(String(item.status ?? ''), item.qmpstatus === undefined ? undefined : String(item.qmpstatus));
      const lock = item.lock ? String(item.lock) : undefined;
      // `qm suspend --todisk` leaves the VM stopped with its memory saved and this lock.
      if (lock === 'suspended' && state === 'shut-off') [state, detail] = ['paused', 'hibernated'];
      return {
        vmid: String(item.vmid),
        name: String(item.name ?? `VM ${item.vmid}`),
        state,
        detail,
        vcpus: Number(item.cpus ?? 0) || 0,
        memoryMib: Math.round(Number(item.maxmem ?? 0) / 1048576),
        tags: 'tags' in item ? tagList(item.tags) : undefined,
        lock,
        template: item.template === 1 || item.template === '1',
      };
    })
    .sort((a, b) => Number(a.vmid) - Number(b.vmid));
}

/** The `startup` property: `order=2,up=30,down=60`. */
function startupOrder(value: unknown): number | undefined {
  const order = /(?:^|,)\s*order=(\d+)/.exec(String(value ?? ''))?.[1];
  return order === undefined ? undefined : Number(order);
}

/** `pvesh get /nodes/NODE/qemu/VMID/config --output-format json`: onboot, the startup order, tags, lock. */
export function parseQemuConfig(text: string): ProxmoxConfig {
  const data = parseJson(text || '{}', 'pvesh') as Record<string, unknown>;
  return {
    onboot: data.onboot === 1 || data.onboot === '1',
    order: startupOrder(data.startup),
    ...(data.tags !== undefined ? { tags: tagList(data.tags) } : {}),
    ...(data.lock ? { lock: String(data.lock) } : {}),
  };
}

/** The marker CONFIG_SCRIPT prints before each VM's lines. */
export const CONFIG_MARKER = '@pw-conf ';

/**
 * Prints the onboot, startup, tags, lock and passthrough lines of every VM config of node $1, in one call
 * instead of one `pvesh get …/config` per VM. Only the current config counts: a snapshot's
 * section (`[name]`) ends it.
 */
export const CONFIG_SCRIPT =
  'cd "/etc/pve/nodes/$1/qemu-server" || exit 1; ' +
  'for f in *.conf; do [ -f "$f" ] || continue; ' +
  `echo "${CONFIG_MARKER}\${f%.conf}"; ` +
  'sed -nE "/^\\[/q; /^(onboot|startup|tags|lock|hostpci[0-9]+|usb[0-9]+):/p" "$f"; done';

/** CONFIG_SCRIPT's output: the settings of each vmid. */
export function parseConfigDump(text: string): Map<string, ProxmoxConfig> {
  const configs = new Map<string, ProxmoxConfig>();
  let current: ProxmoxConfig | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(CONFIG_MARKER)) {
      current = { onboot: false };
      configs.set(line.slice(CONFIG_MARKER.length).trim(), current);
      continue;
    }
    const match = /^(onboot|startup|tags|lock|hostpci\d+|usb\d+):\s*(.*)$/.exec(line.trimEnd());
    if (!current || !match) continue;
    const [, key, value = ''] = match;
    if (key!.startsWith('hostpci')) current.unmovable ??= `PCI passthrough (${key})`;
    // `usbN: spice` is a redirected client device and moves with the VM; `host=` pins it to the node.
    else if (key!.startsWith('usb')) {
      if (/(^|,)host=/.test(value)) current.unmovable ??= `USB passthrough (${key})`;
    } else if (key === 'onboot') current.onboot = value === '1';
    else if (key === 'startup') current.order = startupOrder(value);
    else if (key === 'tags') current.tags = tagList(value);
    else if (value) current.lock = value;
  }
  return configs;
}

/** `qm status VMID`: "status: running". */
export function parseQmStatus(text: string): VmState {
  return proxmoxState(/status:\s*(\S+)/.exec(text)?.[1] ?? '').state;
}
