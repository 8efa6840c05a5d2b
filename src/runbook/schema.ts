// The runbook format v1: the one definition that gives the TypeScript types, the validation used by
// `lint` and `run`, and the JSON Schema printed by `patchwalk schema`.
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

const Duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), { error: 'bad duration' })
  .describe('A duration such as 250ms, 90s, 5m or 1h30m.');

const Identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be lower_snake_case (letters, digits, _)' });

const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'must be lower-case letters, digits, - or _' })
  .describe('Unique id of the step; used by resume, reports and `steps.<id>` references.');

export const Command = z
  .union([z.string().min(1), z.array(z.string()).min(1)])
  .describe(
    'A string runs through /bin/sh with every {{ value }} shell-quoted; a list is an argv and each {{ value }} stays one argument.',
  );

export const VM_STATES = ['running', 'shut-off', 'paused'] as const;
export const SELECTOR_WORDS = ['all', 'running', 'shut-off', 'paused', 'stopped-by-this-run'] as const;

export const SELECTOR_MESSAGE = `expected ${SELECTOR_WORDS.join(', ')}, tag:NAME or name:GLOB`;

export const Selector = z
  .union([
    z.enum(SELECTOR_WORDS),
    z.string().regex(/^(tag|name):.+$/, { error: SELECTOR_MESSAGE }),
    z.array(z.string()).min(1),
  ])
  .describe('Which VMs: a state word, stopped-by-this-run, tag:NAME, name:GLOB, or a list of VM names.');

const Where = z
  .enum(['local', 'host'])
  .describe('local runs on the operator machine; host runs on the runbook target over ssh.');

export const FAILURE_CHOICES = ['ask', 'retry', 'skip', 'abort'] as const;
const OnFailure = z
  .union([
    z.enum(FAILURE_CHOICES),
    z.strictObject({
      retry: z.number().int().min(1).max(100),
      delay: Duration.optional(),
      then: z.enum(['ask', 'skip', 'abort']).optional(),
    }),
  ])
  .describe('What happens when the step fails: ask (default), retry (once, then ask), skip, abort, or { retry: N, then }.');

const Common = {
  id: StepId,
  title: z.string().min(1),
  why: z.string().optional().describe('Why this step exists; shown to trainees.'),
  expect: z.string().optional().describe('What success looks like.'),
  when: z.string().optional().describe('Condition; the step is skipped when it is false.'),
  timeout: Duration.optional(),
  on_failure: OnFailure.optional(),
  each_vm: Selector.optional().describe('Run this step once for each selected VM, with vm.* in templates.'),
};

const NoteStep = z.strictObject({ ...Common, note: z.string() });

const ConfirmStep = z.strictObject({
  ...Common,
  confirm: z.union([
    z.string().min(1),
    z.strictObject({ prompt: z.string().min(1), on_no: z.enum(['abort', 'skip']).optional() }),
  ]),
});

const InputStep = z.strictObject({
  ...Common,
  input: z.strictObject({
    prompt: z.string().min(1),
    var: Identifier,
    default: z.string().optional(),
    pattern: z.string().optional(),
    secret: z.boolean().optional(),
  }),
});

const ChoiceStep = z.strictObject({
  ...Common,
  choice: z.strictObject({
    prompt: z.string().min(1),
    var: Identifier,
    options: z.array(z.string().min(1)).min(2),
    default: z.string().optional(),
  }),
});

const RunStep = z.strictObject({
  ...Common,
  run: Command,
  on: Where.optional(),
  capture: Identifier.optional().describe('Store the trimmed stdout in this variable.'),
  env: z.record(z.string(), z.string()).optional(),
  verify: Command.optional().describe(
    'A check that exits 0 when the step has taken effect; run on resume when the outcome of the step is unknown, to help decide.',
  ),
});

const WaitStep = z.strictObject({
  ...Common,
  wait: z.strictObject({
    check: Command,
    on: Where.optional(),
    interval: Duration.optional().describe('Pause between checks (default 5s).'),
    timeout: Duration.optional().describe('Give up after this long (default 5m).'),
  }),
});

const VmsStep = z.strictObject({
  ...Common,
  vms: z.strictObject({ select: Selector.optional() }).nullable(),
});

const ShutdownStep = z.strictObject({
  ...Common,
  shutdown: z.strictObject({
    select: Selector.optional(),
    mode: z.enum(['graceful', 'force']).optional(),
    timeout: Duration.optional().describe('How long a graceful shutdown may take per VM (default 5m).'),
    then: z
      .enum(['ask', 'force', 'skip', 'abort'])
      .optional()
      .describe('What to do with a VM that did not shut down in time (default ask).'),
    concurrency: z.number().int().min(1).max(64).optional(),
  }),
});

const StartStep = z.strictObject({
  ...Common,
  start: z.strictObject({
    select: Selector.optional(),
    order: z.array(z.string()).optional().describe('VM names to start first, in this order.'),
    timeout: Duration.optional(),
  }),
});

const MigrateStep = z.strictObject({
  ...Common,
  migrate: z.strictObject({
    select: Selector.optional(),
    to: z.string().min(1),
    timeout: Duration.optional(),
  }),
});

const RebootStep = z.strictObject({
  ...Common,
  reboot: z.strictObject({
    confirm: z.enum(['type-host-name', 'yes-no', 'none']).optional(),
    wait: Duration.optional().describe('How long to wait for the host to come back (default 15m).'),
    command: Command.optional(),
    boot_id: Command.optional().describe('Prints an id that changes on every boot.'),
    check: Command.optional().describe('Must pass before the host counts as back.'),
  }),
});

/** Step kinds in the order the docs list them; each kind is the key that names its action. */
export const STEP_SCHEMAS = {
  note: NoteStep,
  confirm: ConfirmStep,
  input: InputStep,
  choice: ChoiceStep,
  run: RunStep,
  wait: WaitStep,
  vms: VmsStep,
  shutdown: ShutdownStep,
  start: StartStep,
  migrate: MigrateStep,
  reboot: RebootStep,
} as const;

export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];
export const COMMON_STEP_KEYS = Object.keys(Common);
/** Keys that may sit beside the kind key, for "did you mean" hints. */
export const STEP_EXTRA_KEYS = ['on', 'capture', 'env', 'verify'];

export const Step = z.union([
  NoteStep,
  ConfirmStep,
  InputStep,
  ChoiceStep,
  RunStep,
  WaitStep,
  VmsStep,
  ShutdownStep,
  StartStep,
  MigrateStep,
  RebootStep,
]);

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
});

export const PROVIDERS = ['sim', 'libvirt', 'hyperv', 'esxi', 'proxmox'] as const;

const Inventory = z.strictObject({
  provider: z.enum(PROVIDERS),
  uri: z.string().optional().describe('libvirt connection URI.'),
  host: z.string().optional().describe('Host the provider talks to (Hyper-V, ESXi).'),
  node: z.string().optional().describe('Proxmox node name.'),
  vms: z.array(SimVm).optional().describe('sim only: the simulated VMs (a default set when absent).'),
  reboot_time: Duration.optional().describe('sim only: how long the simulated host takes to reboot.'),
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
    steps: z.array(Step).min(1),
  })
  .describe('A patchwalk runbook.');

export type Runbook = z.infer<typeof RunbookSchema>;
export type Step = z.infer<typeof Step>;
export type StepOf<K extends StepKind> = z.infer<(typeof STEP_SCHEMAS)[K]>;
export type CommandSpec = z.infer<typeof Command>;
export type SelectorSpec = z.infer<typeof Selector>;
export type SimVmSpec = z.infer<typeof SimVm>;
export type ParamSpec = z.infer<typeof Param>;
export type OnFailureSpec = z.infer<typeof OnFailure>;

/** The runbook's top level with steps left unchecked, so each step can be checked on its own. */
export const RunbookTopLevel = RunbookSchema.extend({ steps: z.array(z.unknown()).min(1) });

export function stepKind(step: Step): StepKind {
  for (const kind of STEP_KINDS) if (kind in step) return kind;
  throw new Error(`step ${step.id} has no kind`);
}

export function runbookJsonSchema(): object {
  return z.toJSONSchema(RunbookSchema, { io: 'input', target: 'draft-7' });
}
