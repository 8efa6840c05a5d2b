// The cluster part of the runbook format: which hosts a rolling takes (`cluster`), how it takes
// them (`rolling`), and the three phases of steps (`before_all`, `per_host`, `after_all`).
// A runbook has either `steps` (one host) or `cluster` with `per_host`, never both; lint says so.
import { z } from 'zod';
import { StepSchema } from '../kinds/registry.js';
import { CLUSTER_MAX_MEMBERS } from '../limits.js';

/** The phases of a cluster runbook, in the order they run. */
export const CLUSTER_PHASES = ['before_all', 'per_host', 'after_all'] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];

/** What `{{ host.FIELD }}` can read inside per_host steps; `host.vars.NAME` reads an inventory variable. */
export const HOST_FIELDS = ['name', 'ssh', 'port', 'uri', 'host', 'node', 'group', 'vars'] as const;

/** A member name: a host name or inventory alias, never an option or a path. */
const MemberName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { error: 'must be a host name: letters, digits, ".", "-" or "_"' })
  .max(253);

/** An ssh destination: user@host, host, or ssh://user@host:port. No spaces, never an option. */
export const SshDestination = z
  .string()
  .regex(/^(ssh:\/\/)?([A-Za-z0-9_][A-Za-z0-9_.-]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_][A-Za-z0-9_.:-]*)$/, {
    error: 'must be an ssh destination such as root@pve1.example.net or ssh://root@pve1:2222',
  })
  .max(512);

export const MemberSpec = z.strictObject({
  name: MemberName.describe('The member as the operator names it (placement, order, reports).'),
  ssh: SshDestination.optional().describe('ssh destination for on: host steps on this member.'),
  port: z.number().int().min(1).max(65535).optional().describe('ssh port, when not 22.'),
  uri: z
    .string()
    .regex(/^[a-z][a-z0-9+.-]*:\/\/\S*$/, { error: 'must be a libvirt URI such as qemu+ssh://root@kvm01/system' })
    .max(1024)
    .optional()
    .describe('libvirt connection URI of this member.'),
  host: SshDestination.optional().describe('ssh destination the provider talks to (Hyper-V).'),
  // A node name becomes an argument of qm and ha-manager: it must never look like an option.
  node: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, { error: 'must be a Proxmox node name: letters, digits, "." or "-"' })
    .max(253)
    .optional()
    .describe('Proxmox node name of this member.'),
  vars: z.record(z.string(), z.string()).optional().describe('Values per member, read as {{ host.vars.NAME }}.'),
});

export const MEMBER_SOURCES = ['ansible', 'csv'] as const;

export const MembersFrom = z.strictObject({
  from: z.enum(MEMBER_SOURCES).describe('ansible: an INI or YAML Ansible inventory; csv: name,ssh,uri[,host,node] with a header row.'),
  file: z.string().min(1).describe('The inventory file, relative to the runbook.'),
  group: z.string().min(1).optional().describe('ansible: the group whose hosts (children included) are the members; all hosts when absent.'),
});

export const ClusterSchema = z
  .strictObject({
    name: z.string().min(1).describe('The cluster, as locks and reports name it.'),
    members: z
      .union([z.array(MemberSpec).min(1).max(CLUSTER_MAX_MEMBERS), MembersFrom])
      .describe('The hosts, listed, or read from an inventory file.'),
    anti_affinity: z
      .array(z.string().min(1))
      .optional()
      .describe('Tags whose VMs never share a host: two VMs with one of these tags are placed apart.'),
  })
  .describe('A cluster runbook: the hosts it takes in turn. With cluster, per_host replaces steps.');

export const ROLLING_ORDERS = ['as-listed', 'fewest-vms-first'] as const;

export const RollingSchema = z
  .strictObject({
    serial: z.number().int().min(1).optional().describe('Members in maintenance at once (default 1).'),
    order: z
      .union([z.enum(ROLLING_ORDERS), z.array(MemberName).min(1)])
      .optional()
      .describe('as-listed (default), fewest-vms-first, or the member names in order.'),
    pause_between: z.enum(['ask', 'none']).optional().describe('ask (default): the operator confirms before the next member.'),
    stop_on_failure: z.boolean().optional().describe('Stop the rolling when a member fails (default true).'),
    max_failed_hosts: z.number().int().min(0).optional().describe('Failed members tolerated before the rolling stops (default 0).'),
  })
  .describe('How the members are taken.');

export type MemberSpecValue = z.infer<typeof MemberSpec>;
export type ClusterSpec = z.infer<typeof ClusterSchema>;
export type RollingSpec = z.infer<typeof RollingSchema>;

/** `rolling:` with every default filled in. */
export const ROLLING_DEFAULTS = {
  serial: 1,
  order: 'as-listed',
  pause_between: 'ask',
  stop_on_failure: true,
  max_failed_hosts: 0,
} as const satisfies Required<RollingSpec>;

export function rollingSettings(spec: RollingSpec | undefined): Required<RollingSpec> {
  return { ...ROLLING_DEFAULTS, ...Object.fromEntries(Object.entries(spec ?? {}).filter(([, value]) => value !== undefined)) };
}

/** One step, wherever a list of steps sits: the JSON Schema defines it once and refers to it. */
export const RunbookStep = StepSchema.meta({ id: 'step' });

/** The runbook keys a cluster runbook adds, spread into RunbookSchema. */
export const clusterRunbookKeys = {
  cluster: ClusterSchema.optional(),
  rolling: RollingSchema.optional(),
  before_all: z.array(RunbookStep).optional().describe('Steps run once before the first member: cluster pre-checks (gates).'),
  per_host: z.array(RunbookStep).min(1).optional().describe('Steps run once per member; templates see host.name, host.ssh, host.uri, host.node.'),
  after_all: z.array(RunbookStep).optional().describe('Steps run once after the last member.'),
};

/** The same keys with their steps left unchecked, so each step can be checked on its own. */
export const clusterTopLevelKeys = {
  ...clusterRunbookKeys,
  before_all: z.array(z.unknown()).optional(),
  per_host: z.array(z.unknown()).min(1).optional(),
  after_all: z.array(z.unknown()).optional(),
};
