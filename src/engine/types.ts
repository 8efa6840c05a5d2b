// The run engine's vocabulary: state, the events that change it, and the effects it asks for.
// The engine never performs an effect; a driver does and reports back with an event.
import type { Runbook, Step, StepKind } from '../runbook/schema.js';
import type { Command } from '../runbook/template.js';
import type { HistoryFigures } from '../history/step-figures.js';

export type VmState = 'running' | 'shut-off' | 'paused' | 'shutting-down' | 'starting' | 'migrating' | 'migrated' | 'unknown';

export interface Vm {
  name: string;
  id: string;
  state: VmState;
  vcpus: number;
  memory_mib: number;
  tags: string[];
  autostart: boolean;
  /** The platform's start order (Proxmox `startup: order=N`): lower starts first, none after all that have one. */
  startOrder?: number;
  /** A platform lock (Proxmox `backup`, `migrate`, `snapshot`…): power changes are refused while it is held. */
  lock?: string;
  /** Managed by the platform itself (vSphere Cluster Services VMs): shown, never selected or powered. */
  system?: true;
  /** The platform's own word when `state` is the closest match (`io-error`, `guest-panicked`, `hibernated`). */
  detail?: string;
  /** In a cluster run: the member the VM runs on now. */
  host?: string;
  /** Why it cannot live-migrate (local disk, passthrough), when the provider can tell. */
  unmovable?: string;
}

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** One pass of a per-VM step. */
export interface ItemState {
  vm: string;
  status: StepStatus;
  exitCode?: number | null;
  message?: string;
}

export interface StepState {
  id: string;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  startedAt?: number;
  endedAt?: number;
  exitCode?: number | null;
  /** Why it failed or was skipped, or a short outcome. */
  message?: string;
  items?: ItemState[];
  /** Per-VM outcome of shutdown, start and migrate steps. */
  vmOutcomes?: Record<string, VmOutcome>;
  /** wait: when polling began. */
  pollingSince?: number;
  /** shutdown: VMs that did not stop in time and await a decision. */
  vmQueue?: string[];
  /** reboot: VMs running when the host went down. */
  runningBefore?: string[];
  /** Guided mode: whether the command's output had what `expect.output` looks for. */
  outputMatched?: boolean;
  /** Set while the step's last action has an unknown outcome (patchwalk stopped while it ran). */
  unknown?: UnknownOutcome;
  /** A second operator approved the step (two-person approval): it is not asked for again. */
  approved?: boolean;
  /** drain and return: the migrations still to make, the ones that failed, and what to shut down. */
  moving?: MovingWork;
}

/** A drain's or a return's work in progress. */
export interface MovingWork {
  /** Migrations not yet made, by VM, with their destination. */
  pending: { vm: string; to: string }[];
  /** Migrations that failed and await the operator's decision. */
  failed: { vm: string; to: string; message: string; noOther?: boolean }[];
  /** VMs to shut down once the migrations are over (could not move, or the operator chose so). */
  shutdown: string[];
  /** Questions already answered: capacity shortfall, unmovable VMs, the plan. */
  decided: string[];
}

/** What a second operator is asked to approve: the step, and what it will do, expanded. */
export interface ApprovalRequest {
  step: string;
  title: string;
  /** One human line: the step and what it does (a watcher shows this). */
  summary: string;
  /** The VMs it acts on, or that go down with the host. */
  vms: string[];
  /** The commands it runs, templates expanded and secrets masked. */
  commands: string[];
  allowSameAccount: boolean;
}

/** Who answered a two-person approval, as the driver verified it (the uid is the decision file's owner). */
export interface Approver {
  user: string;
  uid: number;
  ssh_client: string | null;
  hostname: string;
  /** The driver's own account approved (allow_same_account): `name` is what they typed. */
  same_account: boolean;
  name?: string;
}

/** An action whose result was lost: what it was, why, and what its verify check said. */
export interface UnknownOutcome {
  effect: Effect;
  reason: string;
  verify?: { exitCode: number | null; timedOut: boolean; error?: string };
}

/** What the open prompt is for, so its answer reaches the right handler. */
export type Awaiting =
  | { purpose: 'param'; name: string }
  /** The step's own question; `vm` names the VM it is about, when it is about one. */
  | { purpose: 'step'; vm?: string }
  | { purpose: 'failure'; message: string; exitCode?: number | null }
  | { purpose: 'unknown' }
  /** A tag, name or list selector matched no VM: skip the step, or stop. */
  | { purpose: 'no-match' }
  /** Guided mode: the trainee has read what the step will do and goes on. */
  | { purpose: 'guide' }
  /** A rolling's own question (go on to the next host, a drain's plan or a failed migration). */
  | { purpose: 'rolling'; about: string; vm?: string }
  /** Go or no-go before a step that may not fit the window, or a reboot: go starts it. */
  | { purpose: 'go-no-go' }
  /** A second operator denied the step: ask again, skip it, or end the run. */
  | { purpose: 'approval-denied' };

export type VmOutcome =
  | 'stopped'
  | 'forced'
  | 'started'
  | 'migrated'
  | 'snapshotted'
  | 'reverted'
  | 'timed-out'
  | 'left-running'
  | 'failed'
  | 'already running';

/** A snapshot this run took, and what became of it. */
export interface SnapshotRecord {
  vm: string;
  name: string;
  stepId: string;
  /** Delete it once the run is done. */
  cleanup: boolean;
  state: 'taken' | 'reverted' | 'deleted';
  /** Why cleanup could not delete it. */
  problem?: string;
}

export interface Answer {
  stepId: string;
  question: string;
  answer: string;
  by: 'operator' | 'yes' | 'default' | 'dry-run';
  at: number;
}

export interface Notice {
  at: number;
  level: 'info' | 'warn';
  text: string;
  /** The step it is about, when renderers should tell it with that step (after its heading). */
  step?: string;
}

export type Prompt =
  | { kind: 'confirm'; question: string; destructive: boolean; default?: boolean }
  | { kind: 'input'; question: string; default?: string; pattern?: string; secret?: boolean; error?: string }
  | {
      kind: 'choice';
      question: string;
      options: { value: string; label: string }[];
      default?: string;
      /** What --yes answers; a destructive answer also needs the runbook's consent to unattended runs. */
      yesAnswer?: string;
      destructive?: boolean;
    }
  | { kind: 'continue'; question: string }
  | { kind: 'type-to-confirm'; question: string; expected: string; error?: string }
  | { kind: 'select-vms'; question: string; options: string[]; selected: string[]; destructive: boolean }
  /** Answered 'go' or 'no-go', never by Enter alone; `figures` are the past runs it rests on. */
  | { kind: 'go-no-go'; question: string; figures: string };

export type PromptAnswer = string | boolean | string[];

export type VmAction = 'shutdown' | 'poweroff' | 'start' | 'migrate';
export type SnapshotAction = 'create' | 'revert' | 'delete';

export type Effect =
  | { type: 'prompt'; id: number; stepId: string; prompt: Prompt }
  | {
      type: 'exec';
      id: number;
      stepId: string;
      command: Command;
      /** The command as it should appear on screen and in records, secrets masked. */
      display: string;
      on: 'local' | 'host';
      timeoutMs?: number;
      capture: boolean;
      env?: Record<string, string>;
      /** verify: the check that helps decide a step whose outcome is unknown. */
      role?: 'verify';
      /** In a cluster run: the member whose host runs an `on: host` command. */
      member?: string;
    }
  | { type: 'sleep'; id: number; stepId: string; ms: number; reason: 'retry' | 'poll' }
  /** Wait for a second operator's `patchwalk approve` or `deny`. */
  | { type: 'approval'; id: number; stepId: string; request: ApprovalRequest }
  | { type: 'inventory'; id: number; stepId?: string }
  | { type: 'vm-power'; id: number; stepId: string; action: VmAction; vms: string[]; timeoutMs: number; concurrency: number; to?: string }
  | {
      type: 'vm-snapshot';
      id: number;
      stepId: string;
      action: SnapshotAction;
      vms: string[];
      name: string;
      memory?: boolean;
      quiesce?: boolean;
      timeoutMs: number;
      concurrency: number;
    }
  | {
      type: 'reboot';
      id: number;
      stepId: string;
      host: string;
      waitMs: number;
      command?: Command;
      bootId?: Command;
      check?: Command;
      /** In a cluster run: the member to reboot. */
      member?: string;
    }
  /** In a cluster run: each member's free memory and vCPUs, for a drain's placement. */
  | { type: 'capacity'; id: number; stepId: string };

/** A cluster member's spare capacity as its provider reports it. */
export interface MemberFree {
  name: string;
  memory_free_mib: number;
  vcpus_free: number;
}

export interface VmResult {
  name: string;
  outcome: 'ok' | 'timeout' | 'error';
  message?: string;
}

export type EngineEvent =
  | { type: 'start'; at: number }
  | { type: 'answer'; effectId: number; value: PromptAnswer; at: number }
  | {
      type: 'exec-done';
      effectId: number;
      exitCode: number | null;
      timedOut: boolean;
      stdout?: string;
      error?: string;
      /** ssh lost (or never made) the connection: `error` says so, the exit code means nothing. */
      connectionLost?: boolean;
      at: number;
    }
  | { type: 'slept'; effectId: number; at: number }
  | { type: 'approval-done'; effectId: number; decision: 'granted' | 'denied'; approver: Approver; reason?: string; at: number }
  | { type: 'inventory-loaded'; effectId: number; vms: Vm[]; at: number }
  | { type: 'inventory-failed'; effectId: number; message: string; at: number }
  | { type: 'vm-state'; name: string; state: VmState; at: number }
  | { type: 'vm-power-done'; effectId: number; results: VmResult[]; at: number }
  | { type: 'vm-snapshot-done'; effectId: number; results: VmResult[]; at: number }
  | { type: 'capacity-loaded'; effectId: number; members: MemberFree[]; at: number }
  | { type: 'reboot-done'; effectId: number; outcome: 'back' | 'timeout' | 'error'; message?: string; at: number }
  | { type: 'abort'; reason: string; at: number; /** The operator chose to stop (q), rather than an interruption. */ decided?: boolean }
  /** The operator quit and chose to start the VMs this run stopped first (also after the run ended). */
  | { type: 'wind-down'; reason: string; at: number }
  /** The open effect was under way when patchwalk stopped, and its outcome cannot be known. */
  | { type: 'lost'; effectId: number; reason: string; at: number };

/** `closing`: every step has ended and the run tidies up (deletes the snapshots it was told to). */
export type RunPhase = 'params' | 'inventory' | 'steps' | 'closing' | 'restoring' | 'done' | 'failed' | 'aborted';

export interface RunOptions {
  yes: boolean;
  dryRun: boolean;
  /** Stop after notes and VM tables until the operator continues (training: the demo, --guided). */
  pauseToRead: boolean;
  /** Notes wait for Enter: the run has a terminal to answer on (journaled, so a replay asks the same). */
  pauseNotes?: boolean;
  runId: string;
  operator: string;
  /** A rehearsal (`run --rehearse`): simulated VMs, and no command is executed. */
  rehearsal?: boolean;
  /** Guided mode (`--guided`): each step is explained and waits, and its outcome is compared with `expect`. */
  guided?: boolean;
  /** Step medians of past real runs of this runbook, given at run start (journaled in run-start). */
  history?: HistoryFigures;
}

export interface RunState {
  runbook: Runbook;
  options: RunOptions;
  phase: RunPhase;
  params: Record<string, string>;
  /** Names of params and variables whose values are secret. */
  secretNames: string[];
  vars: Record<string, string>;
  /** Index into steps of the step in progress, or of the next one. */
  cursor: number;
  /** Param still to resolve, while phase is params. */
  paramCursor: number;
  steps: StepState[];
  vms?: Vm[];
  /** Position of each VM in `vms` by name, so a VM is found without a scan. */
  vmIndex?: Record<string, number>;
  /** The VMs as they were when the run started. */
  vmsBefore?: Vm[];
  /** VMs this run stopped (shutdown, power-off or host reboot), in the order it stopped them. */
  stoppedByRun: string[];
  /** Snapshots this run took, in order. */
  snapshots: SnapshotRecord[];
  /** Set by a failure answered with "revert": the failed step and the revert step it jumped to. */
  revert?: { failedStep: string; revertStep: string; message: string };
  effect: Effect | null;
  effectSeq: number;
  awaiting: Awaiting | null;
  /** While the operator's quit brings this run's VMs back: why the run is ending. */
  windingDown?: string;
  /**
   * Set when the operator answered no to a question whose no ends the run, while VMs this run
   * stopped are off: the question stands, and the driver asks the quit question, whose "end" ends
   * the run for `reason`. Cleared by the next answer.
   */
  declined?: { step: string; reason: string };
  /** Set when the run ended by Ctrl-C or a signal rather than by a decision. */
  interrupted?: boolean;
  answers: Answer[];
  notices: Notice[];
  startedAt?: number;
  endedAt?: number;
  /** Why the run ended badly. */
  outcome?: string;
  /** A cluster runbook's rolling: its members, their order and what the drains did. */
  rolling?: RollingState;
}

/** A cluster member, resolved from the runbook (the contract's Member). */
export interface RollingMember {
  name: string;
  ssh?: string;
  uri?: string;
  host?: string;
  node?: string;
  port?: number;
  group?: string;
  vars: Record<string, string>;
}

export type MemberPhase = 'waiting' | 'draining' | 'patching' | 'rebooting' | 'returning' | 'done' | 'failed' | 'skipped';

export interface PlannedMoveState {
  vm: string;
  from: string;
  to: string;
  memory_mib: number;
  why: string;
}

/** The drain plan in force for the member being drained. */
export interface DrainPlan {
  member: string;
  stepId: string;
  moves: PlannedMoveState[];
  unmovable: { vm: string; why: string }[];
  unplaced: { vm: string; why: string }[];
  shortfall?: { memory_mib: number; vcpus: number };
}

export interface RollingState {
  cluster: string;
  /** In the order they are taken (fewest-vms-first is settled once the VMs are listed). */
  members: RollingMember[];
  /** Per member: the range of `runbook.steps` that is its per_host copy. */
  segments: Record<string, { first: number; last: number }>;
  /** Members given up on (failed or skipped), and why. */
  givenUp: Record<string, { phase: 'failed' | 'skipped'; reason: string }>;
  /** Members the operator already agreed to go on to (pause_between: ask). */
  cleared: string[];
  /** Every VM's host when the run listed the VMs first: the placement before. */
  placementBefore: Record<string, string>;
  /** VMs this run moved away from a member, with where from and to (the "drained-by-this-run" set). */
  drained: Record<string, { from: string; to: string; step: string; returned?: boolean }>;
  /** Every move this run made, in order: the placement during. */
  moves: { vm: string; from: string; to: string; at: number; step: string }[];
  /** Capacity last reported, by member. */
  free?: Record<string, MemberFree>;
  plan?: DrainPlan;
}

export type { Step, StepKind };
