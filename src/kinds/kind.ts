// What a step kind is: everything the rest of patchwalk needs to know about it, declared once in
// the kind's own module. The engine, lint, both renderers and the journal ask the registry
// (registry.ts) instead of keeping lists of kinds.
import type { z } from 'zod';
import type { Outcome } from '../engine/outcome.js';
import type { Scope } from '../engine/context.js';
import type { Awaiting, Effect, EngineEvent, Prompt, PromptAnswer, RunState, StepState, Vm } from '../engine/types.js';
import type { SelectorSpec } from '../runbook/schema-parts.js';

/** What a handler sees of the run while it handles its own step. */
export interface StepContext<S> {
  readonly step: S;
  /** The run being changed (a draft): handlers change it only through the step toolkit. */
  readonly run: RunState;
  /** This step's own state, which the handler may change freely. */
  readonly state: StepState;
  readonly at: number;
  /** The VM of this pass, for a step that runs once per VM. */
  readonly vm: Vm | undefined;
  readonly scope: Scope;
}

export interface AnswerOf {
  value: PromptAnswer;
  awaiting: Awaiting;
  prompt: Prompt;
}

/** One kind's part of the engine. Each returns what should happen next; the engine applies it. */
export interface KindHandler<S> {
  start(ctx: StepContext<S>): Outcome;
  answer?(ctx: StepContext<S>, answer: AnswerOf): Outcome;
  resume?(ctx: StepContext<S>, event: EngineEvent & { at: number }, effect: Effect): Outcome;
}

export interface KindFacts {
  /** The run lists the host's VMs before the first step when a step of this kind is in it. */
  needsInventory: boolean;
  /** Both renderers show the VM table, with the planned actions, at this step. */
  showsVmTable: boolean;
  /** `each_vm:` may repeat this step once per selected VM. */
  perVm: boolean;
  /** Changes the world (power, snapshots, the host): a dry run only describes it. */
  destructive: boolean;
  /** Takes the host down, and every VM still running with it (the VM plan says so). */
  restartsHost?: boolean;
  /** `approval: two-person` may gate it (destructive kinds may always be gated). */
  approvable?: boolean;
  /**
   * In training mode the step waits for Enter itself, once what it shows is on screen (a VM table).
   * Guided mode then asks nothing before it: the trainee would press Enter twice at the same screen.
   */
  pausesToRead?: boolean;
}

export interface KindDefinition<K extends string, Schema extends z.ZodType> {
  key: K;
  /** The step's zod schema: the common keys plus the kind's own key. */
  schema: Schema;
  facts: KindFacts;
  handler: KindHandler<z.output<Schema>>;
  /** The selector the step acts on, for lint and the VM plan. */
  selector?(step: z.output<Schema>): SelectorSpec | undefined;
  /** What this step would do to a VM (in its state when the plan is made), or undefined. */
  plan?(step: z.output<Schema>, vm: Vm): string | undefined;
  /** One line saying what the step does, for the step detail and line mode. */
  describe(step: z.output<Schema>, scope: Scope): string;
  /** Text the step shows in full (a note), as written in the runbook; no "done" line follows it. */
  text?(step: z.output<Schema>): string;
  /** Where the step's command runs, for a step that runs one. */
  runsOn?(step: z.output<Schema>): 'local' | 'host';
  /** Variables the step sets for the steps after it, and whether their values are secret. */
  variables?(step: z.output<Schema>): { name: string; secret: boolean }[];
  /** Runs once every step has ended and the run is closing, e.g. to delete snapshots. */
  closing?: ClosingHook;
}

/** Work a kind does once after the last step; `next` returns the effect still to perform, if any. */
export interface ClosingHook {
  next(run: RunState): Omit<Extract<Effect, { type: 'vm-snapshot' }>, 'id'> | undefined;
  settle(run: RunState, event: EngineEvent & { at: number }, effect: Effect): void;
}

/** A kind as the registry holds it: its step type erased, checked when the handler is called. */
export interface StepKindDef<K extends string = string>
  extends Omit<KindDefinition<K, z.ZodType>, 'handler' | 'selector' | 'plan' | 'describe' | 'variables' | 'text' | 'runsOn'> {
  handler: KindHandler<unknown>;
  selector(step: unknown): SelectorSpec | undefined;
  plan(step: unknown, vm: Vm): string | undefined;
  describe(step: unknown, scope: Scope): string;
  variables(step: unknown): { name: string; secret: boolean }[];
  text(step: unknown): string | undefined;
  runsOn(step: unknown): 'local' | 'host' | undefined;
}

/** Declares a step kind. The returned definition narrows each step to the kind's type once, here. */
export function defineKind<K extends string, Schema extends z.ZodType>(
  def: KindDefinition<K, Schema>,
): StepKindDef<K> & { readonly spec: KindDefinition<K, Schema> } {
  type S = z.output<Schema>;
  const is = (step: unknown): step is S => typeof step === 'object' && step !== null && def.key in step;
  const narrow = (step: unknown): S => {
    if (!is(step)) throw new Error(`internal: a step without ${def.key}: was handed to the ${def.key} handler`);
    return step;
  };
  const withStep = (ctx: StepContext<unknown>): StepContext<S> => ({ ...ctx, step: narrow(ctx.step) });
  const { answer, resume } = def.handler;
  return {
    ...def,
    spec: def,
    handler: {
      start: (ctx) => def.handler.start(withStep(ctx)),
      answer: answer ? (ctx, value) => answer(withStep(ctx), value) : undefined,
      resume: resume ? (ctx, event, effect) => resume(withStep(ctx), event, effect) : undefined,
    },
    selector: (step) => def.selector?.(narrow(step)),
    plan: (step, vm) => def.plan?.(narrow(step), vm),
    describe: (step, scope) => def.describe(narrow(step), scope),
    variables: (step) => def.variables?.(narrow(step)) ?? [],
    text: (step) => def.text?.(narrow(step)),
    runsOn: (step) => def.runsOn?.(narrow(step)),
  };
}
