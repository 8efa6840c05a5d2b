// The runbook format v1: the one definition that gives the TypeScript types, the validation used by
// `lint` and `run`, and the JSON Schema printed by `patchwalk schema`.
import { z } from 'zod';
import { StepSchema, kindOfStep, type StepKind } from '../kinds/registry.js';
import { TopApproval } from '../approval/approval-schema.js';
import { Command, Common, Duration, Identifier, OnFailure, Selector, VM_STATES } from './schema-parts.js';
import { clusterRunbookKeys, clusterTopLevelKeys, RunbookStep } from '../cluster/cluster-schema.js';
import { RunbookNotify } from '../notify/notify-spec.js';

export { Command, Selector, VM_STATES, SELECTOR_WORDS, SELECTOR_MESSAGE, FAILURE_CHOICES } from './schema-parts.js';
export type { CommandSpec, SelectorSpec, OnFailureSpec } from './schema-parts.js';

/** Step kinds in the order the docs list them; each kind is the key that names its action. */
export { STEP_KINDS, STEP_SCHEMAS, StepSchema as Step, kindOfStep } from '../kinds/registry.js';
export type { StepKind, StepOf } from '../kinds/registry.js';
export const COMMON_STEP_KEYS = Object.keys(Common);
/** Keys that may sit beside the kind key, for "did you mean" hints. */
export const STEP_EXTRA_KEYS = ['on', 'capture', 'env', 'verify'];

const Param = z.strictObject({
  prompt: z.string().optional(),
  default: z.string().optional(),
  pattern: z.string().optional().describe('A regular expression the whole value must match.'),
  choices: z.array(z.string()).min(1).optional(),
  secret: z.boolean().optional().describe('Masked on screen and never written to journals or reports.'),
  description: z.string().optional(),
});

export const SimVm = z.strictObject({
  name: z.string().min(1),
  state: z.enum(VM_STATES).optional(),
  vcpus: z.number().int().min(1).optional(),
  memory_mib: z.number().int().min(1).optional(),
  tags: z.array(z.string()).optional(),
  autostart: z.boolean().optional(),
  shutdown_time: Duration.optional().describe('How long a graceful shutdown takes.'),
  ignores_shutdown: z.boolean().optional().describe('The guest ignores ACPI shutdown requests.'),
  boot_time: Duration.optional(),
  host: z.string().min(1).optional().describe('sim cluster: the member the VM runs on.'),
  local_disk: z.boolean().optional().describe('sim cluster: the VM has a local disk and cannot live-migrate.'),
  fail_migrate_once: z.boolean().optional().describe('sim cluster: the first live migration of this VM fails.'),
});

export const PROVIDERS = ['sim', 'libvirt', 'hyperv', 'esxi', 'proxmox'] as const;

const Inventory = z.strictObject({
  provider: z.enum(PROVIDERS),
  uri: z.string().optional().describe('libvirt connection URI.'),
  host: z.string().optional().describe('Host the provider talks to (Hyper-V, ESXi).'),
  node: z.string().optional().describe('Proxmox node name.'),
  vms: z.array(SimVm).optional().describe('sim only: the simulated VMs (a default set when absent).'),
  reboot_time: Duration.optional().describe('sim only: how long the simulated host takes to reboot.'),
  capacity: z
    .strictObject({ memory_mib: z.number().int().min(1), vcpus: z.number().int().min(1) })
    .optional()
    .describe('sim cluster: what each member can hold.'),
});

export const RunbookSchema = z
  .strictObject({
    $schema: z.string().optional(),
    runbook: z.literal(1).describe('Format version.'),
    title: z.string().min(1),
    summary: z.string().optional(),
    unattended: z
      .boolean()
      .optional()
      .describe('Allow --yes to also answer destructive prompts (forced power-off, reboot).'),
    params: z.record(Identifier, Param).optional(),
    patch: z
      .strictObject({
        host_reboot: z.enum(['required', 'maybe', 'no']),
        vm_shutdown: z.enum(['required', 'migrate', 'no']),
        guest_components: z.enum(['before', 'after', 'none']),
      })
      .partial()
      .optional()
      .describe('The three coordination questions, answered up front.'),
    window: z
      .strictObject({ duration: Duration, warn_before: Duration.optional() })
      .optional()
      .describe('The agreed maintenance window.'),
    inventory: Inventory.optional(),
    target: z
      .strictObject({
        name: z.string().optional().describe('Host name the operator types to confirm a reboot.'),
        ssh: z.string().optional().describe('ssh destination for on: host steps, e.g. root@kvm01.'),
      })
      .optional(),
    notify: RunbookNotify.optional(),
    approval: TopApproval.optional(),
    // A cluster runbook has per_host instead; lint refuses both or neither (src/cluster/cluster-lint.ts).
    steps: z.array(RunbookStep).min(1).default([]),
    ...clusterRunbookKeys,
  })
  .describe('A patchwalk runbook.');

export type Runbook = z.infer<typeof RunbookSchema>;
export type Step = z.infer<typeof StepSchema>;
export type SimVmSpec = z.infer<typeof SimVm>;
export type ParamSpec = z.infer<typeof Param>;

/** The runbook's top level with steps left unchecked, so each step can be checked on its own. */
export const RunbookTopLevel = RunbookSchema.extend({ steps: z.array(z.unknown()).min(1).optional(), ...clusterTopLevelKeys });

export function stepKind(step: Step): StepKind {
  const kind = kindOfStep(step);
  if (!kind) throw new Error(`step ${step.id} has no kind`);
  return kind.key;
}

export function runbookJsonSchema(): object {
  const schema = z.toJSONSchema(RunbookSchema, { io: 'input', target: 'draft-7' });
  // The empty default only gives a cluster runbook (per_host) a steps list in code; editors should never insert it.
  const steps = (schema.properties as Record<string, Record<string, unknown>> | undefined)?.steps;
  if (steps) delete steps.default;
  // One host (steps) or a cluster (cluster and per_host), never both: editors flag either mistake.
  schema.oneOf = [{ required: ['steps'] }, { required: ['cluster', 'per_host'] }];
  return schema;
}
