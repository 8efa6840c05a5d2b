// The run engine: a pure reducer from events to run state. It decides what happens next and
// names it as state.effect; a driver performs the effect and answers with an event.
import { formatDuration, mustParseDuration } from '../runbook/duration.js';
import { stepKind, type Runbook, type Step } from '../runbook/schema.js';
import { TemplateError } from '../runbook/template.js';
import { scopeFor } from './context.js';
import { STEP_HANDLERS } from './step-handlers.js';
import { ask, recordAnswer } from './prompts.js';
import { selectVms } from './select.js';
import { outcomeLost, resolveUnknown, verified } from './unknown-outcome.js';
import type { Effect, EngineEvent, PromptAnswer, RunOptions, RunState, StepState, Vm } from './types.js';

type NewEffect = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

export function initialState(runbook: Runbook, options: RunOptions, given: Record<string, string> = {}): RunState {
  const secretNames = Object.entries(runbook.params ?? {})
    .filter(([, param]) => param.secret)
    .map(([name]) => name);
  return {
    runbook,
    options,
    phase: 'params',
    params: { ...given },
    secretNames,
    vars: {},
    cursor: 0,
    paramCursor: 0,
    steps: runbook.steps.map((step) => ({ id: step.id, kind: stepKind(step), status: 'pending', attempts: 0 })),
    stoppedByRun: [],
    effect: null,
    effectSeq: 0,
    awaiting: null,
    answers: [],
    notices: [],
  };
}

export function isFinished(state: RunState): boolean {
  return state.phase === 'done' || state.phase === 'failed' || state.phase === 'aborted';
}

function draftOf(state: RunState): RunState {
  const { runbook, ...rest } = state;
  return { ...structuredClone(rest), runbook };
}

export function reduce(state: RunState, event: EngineEvent): RunState {
  if (isFinished(state) && event.type !== 'vm-state') return state;
  const d = draftOf(state);
  apply(d, event);
  return d;
}

function apply(d: RunState, event: EngineEvent): void {
  if (event.type === 'start') {
    d.startedAt = event.at;
    advance(d, event.at);
    return;
  }
  if (event.type === 'vm-state') {
    const vm = d.vms?.find((candidate) => candidate.name === event.name);
    if (vm) vm.state = event.state;
    return;
  }
  if (event.type === 'abort') {
    abortRun(d, event.reason, event.at, !event.decided);
    return;
  }
  // Every other event answers the open effect; a stale answer (an old effect id) changes nothing.
  if (!d.effect || event.effectId !== d.effect.id) return;
  const effect = d.effect;
  d.effect = null;
  if (event.type === 'answer' && effect.type === 'prompt') {
    const awaiting = d.awaiting;
    d.awaiting = null;
    recordAnswer(d, effect.stepId, effect.prompt, event.value, 'operator', event.at);
    if (awaiting) answered(d, awaiting, event.value, event.at, effect);
  } else if (event.type === 'inventory-loaded' && !effect.stepId) {
    d.vms = event.vms;
    d.vmsBefore = structuredClone(event.vms);
    d.phase = 'steps';
  } else if (event.type === 'inventory-failed' && !effect.stepId) {
    failRun(d, `cannot list the VMs: ${event.message}`, event.at);
    return;
  } else if (event.type === 'lost') {
    outcomeLost(d, effect, event.reason, event.at);
  } else if (event.type === 'exec-done' && effect.type === 'exec' && effect.role === 'verify') {
    verified(d, event);
  } else if (event.type === 'slept' && effect.type === 'sleep' && effect.reason === 'retry') {
    const step = currentStep(d);
    if (step) startAction(d, step, event.at);
  } else {
    const step = currentStep(d);
    if (step) STEP_HANDLERS[stepKind(step)].resume(d, step, event, effect);
  }
  advance(d, event.at);
}

export function answered(d: RunState, awaiting: NonNullable<RunState['awaiting']>, value: PromptAnswer, at: number, effect: Effect & { type: 'prompt' }): void {
  if (awaiting.purpose === 'param') {
    const prompt = effect.prompt;
    const text = String(value);
    const param = d.runbook.params?.[awaiting.name];
    if (param?.pattern && !new RegExp(`^(?:${param.pattern})$`).test(text)) {
      const error = `"${d.secretNames.includes(awaiting.name) ? '***' : text}" does not match ${param.pattern}`;
      setPrompt(d, effect.stepId, { ...prompt, error } as typeof prompt, awaiting);
      return;
    }
    d.params[awaiting.name] = text;
    d.paramCursor++;
    return;
  }
  if (awaiting.purpose === 'unknown') {
    resolveUnknown(d, String(value), at);
    return;
  }
  if (awaiting.purpose === 'failure') {
    const step = currentStep(d);
    if (step) resolveFailure(d, step, String(value), awaiting.message, awaiting.exitCode, at);
    return;
  }
  const step = currentStep(d);
  if (step) STEP_HANDLERS[stepKind(step)].answer(d, step, awaiting, value, at, effect);
}

export function currentStep(d: RunState): Step | undefined {
  return d.phase === 'steps' ? d.runbook.steps[d.cursor] : undefined;
}

export function currentStepState(d: RunState): StepState {
  return d.steps[d.cursor];
}

export function setEffect(d: RunState, effect: NewEffect): void {
  d.effectSeq++;
  d.effect = { ...effect, id: d.effectSeq } as Effect;
}

export function setPrompt(d: RunState, stepId: string, prompt: Extract<Effect, { type: 'prompt' }>['prompt'], awaiting: NonNullable<RunState['awaiting']>): void {
  d.awaiting = awaiting;
  setEffect(d, { type: 'prompt', stepId, prompt });
}

function needsInventory(runbook: Runbook): boolean {
  if (runbook.inventory) return true;
  return runbook.steps.some((step) => ['vms', 'shutdown', 'start', 'migrate', 'reboot'].some((kind) => kind in step) || step.each_vm);
}

/** Move forward until something has to be waited for. */
function advance(d: RunState, at: number): void {
  while (!d.effect && !isFinished(d)) {
    if (d.phase === 'params') {
      resolveNextParam(d, at);
      continue;
    }
    if (d.phase === 'inventory') {
      if (needsInventory(d.runbook)) setEffect(d, { type: 'inventory' });
      else d.phase = 'steps';
      continue;
    }
    if (d.cursor >= d.runbook.steps.length) {
      d.phase = 'done';
      d.endedAt = at;
      return;
    }
    const state = currentStepState(d);
    if (state.status === 'pending') enterStep(d, d.runbook.steps[d.cursor], at);
    else d.cursor++;
  }
}

function resolveNextParam(d: RunState, at: number): void {
  const entries = Object.entries(d.runbook.params ?? {});
  while (d.paramCursor < entries.length) {
    const [name, param] = entries[d.paramCursor];
    if (name in d.params) {
      d.paramCursor++;
      continue;
    }
    const question = param.prompt ?? param.description ?? name;
    if (param.default !== undefined && (!param.prompt || d.options.yes || d.options.dryRun)) {
      d.params[name] = param.default;
      d.paramCursor++;
      continue;
    }
    const prompt = param.choices
      ? { kind: 'choice' as const, question, options: param.choices.map((value) => ({ value, label: value })), default: param.default }
      : { kind: 'input' as const, question, default: param.default, pattern: param.pattern, secret: param.secret };
    ask(d, 'params', prompt, { purpose: 'param', name }, at);
    return;
  }
  d.phase = 'inventory';
}

function windowNotice(d: RunState, step: Step, at: number): void {
  if (!d.runbook.window || d.startedAt === undefined) return;
  const windowMs = mustParseDuration(d.runbook.window.duration);
  const left = windowMs - (at - d.startedAt);
  if (left <= 0) {
    d.notices.push({ at, level: 'warn', text: `the maintenance window (${d.runbook.window.duration}) is over; step ${step.id} starts ${formatDuration(-left)} past it` });
    return;
  }
  const timeout = step.timeout ? mustParseDuration(step.timeout) : undefined;
  if (timeout && timeout > left) {
    d.notices.push({ at, level: 'warn', text: `step ${step.id} may take up to ${step.timeout}, but only ${formatDuration(left)} of the window is left` });
  }
}

function enterStep(d: RunState, step: Step, at: number): void {
  const state = currentStepState(d);
  if (step.when) {
    let run: boolean;
    try {
      run = scopeFor(d).condition(step.when);
    } catch (error) {
      state.status = 'failed';
      state.message = `when: ${(error as Error).message}`;
      failRun(d, `step ${step.id}: ${state.message}`, at);
      return;
    }
    if (!run) {
      state.status = 'skipped';
      state.message = `skipped: when "${step.when}" is false`;
      return;
    }
  }
  state.status = 'running';
  state.startedAt ??= at;
  windowNotice(d, step, at);
  if (step.each_vm) {
    const vms = selectVms(d.vms ?? [], step.each_vm, d.stoppedByRun);
    if (vms.length === 0) {
      finishStep(d, 'skipped', `no VMs match each_vm: ${String(step.each_vm)}`, at);
      return;
    }
    state.items = vms.map((vm) => ({ vm: vm.name, status: 'pending' }));
  }
  startAction(d, step, at);
}

/** The VM of the per-VM pass in progress, if the step is per-VM. */
export function currentItemVm(d: RunState): Vm | undefined {
  const item = currentStepState(d).items?.find((candidate) => candidate.status === 'pending' || candidate.status === 'running');
  return item ? d.vms?.find((vm) => vm.name === item.vm) : undefined;
}

export function startAction(d: RunState, step: Step, at: number): void {
  const state = currentStepState(d);
  state.attempts++;
  const item = state.items?.find((candidate) => candidate.status === 'pending' || candidate.status === 'running');
  if (item) item.status = 'running';
  try {
    STEP_HANDLERS[stepKind(step)].start(d, step, at, currentItemVm(d));
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    actionFailed(d, step, `${error.message}`, undefined, at);
  }
}

/** The step's action ended; for a per-VM step that is one pass. */
export function actionDone(d: RunState, status: 'done' | 'skipped', message: string | undefined, at: number, exitCode?: number | null): void {
  const state = currentStepState(d);
  if (exitCode !== undefined) state.exitCode = exitCode;
  const item = state.items?.find((candidate) => candidate.status === 'running');
  if (!item) {
    finishStep(d, status, message, at);
    return;
  }
  item.status = status;
  item.message = message;
  item.exitCode = exitCode;
  state.attempts = 0;
  if (state.items?.some((candidate) => candidate.status === 'pending')) {
    startAction(d, d.runbook.steps[d.cursor], at);
    return;
  }
  const skipped = state.items?.filter((candidate) => candidate.status === 'skipped').length ?? 0;
  const total = state.items?.length ?? 0;
  finishStep(d, 'done', skipped ? `${total - skipped} of ${total} VMs done, ${skipped} skipped` : `${total} VMs done`, at);
}

export function finishStep(d: RunState, status: 'done' | 'skipped' | 'failed', message: string | undefined, at: number): void {
  const state = currentStepState(d);
  state.status = status;
  state.message = message;
  state.endedAt = at;
}

interface FailurePolicy {
  retries: number;
  delayMs: number;
  then: 'ask' | 'skip' | 'abort';
}

function policyOf(step: Step): FailurePolicy {
  const spec = step.on_failure ?? 'ask';
  if (spec === 'retry') return { retries: 1, delayMs: 0, then: 'ask' };
  if (typeof spec === 'string') return { retries: 0, delayMs: 0, then: spec };
  return { retries: spec.retry, delayMs: spec.delay ? mustParseDuration(spec.delay) : 0, then: spec.then ?? 'ask' };
}

export function actionFailed(d: RunState, step: Step, message: string, exitCode: number | null | undefined, at: number): void {
  const state = currentStepState(d);
  if (exitCode !== undefined) state.exitCode = exitCode;
  const policy = policyOf(step);
  if (state.attempts <= policy.retries) {
    d.notices.push({ at, level: 'warn', text: `${step.id}: ${message}; retrying (attempt ${state.attempts + 1} of ${policy.retries + 1})` });
    if (policy.delayMs > 0) setEffect(d, { type: 'sleep', stepId: step.id, ms: policy.delayMs, reason: 'retry' });
    else startAction(d, step, at);
    return;
  }
  if (policy.then === 'ask') {
    const vm = currentItemVm(d);
    const subject = vm ? `${step.id} (${vm.name})` : step.id;
    ask(
      d,
      step.id,
      {
        kind: 'choice',
        question: `Step ${subject} failed: ${message}. What now?`,
        options: [
          { value: 'retry', label: 'Retry the step' },
          { value: 'skip', label: 'Skip it and go on' },
          { value: 'abort', label: 'Abort the run' },
        ],
      },
      { purpose: 'failure', message, exitCode },
      at,
    );
    return;
  }
  resolveFailure(d, step, policy.then, message, exitCode, at);
}

function resolveFailure(d: RunState, step: Step, choice: string, message: string, exitCode: number | null | undefined, at: number): void {
  if (choice === 'retry') {
    startAction(d, step, at);
  } else if (choice === 'skip') {
    actionDone(d, 'skipped', `failed (${message}), then skipped`, at, exitCode);
  } else {
    finishStep(d, 'failed', message, at);
    failRun(d, `step ${step.id} failed: ${message}`, at);
  }
}

export function failRun(d: RunState, reason: string, at: number): void {
  d.phase = 'failed';
  d.outcome = reason;
  d.endedAt = at;
  d.effect = null;
}

export function abortRun(d: RunState, reason: string, at: number, interrupted = false): void {
  const state = d.phase === 'steps' ? d.steps[d.cursor] : undefined;
  if (state?.status === 'running') finishStep(d, 'failed', interrupted ? `interrupted: ${reason}` : reason, at);
  d.phase = 'aborted';
  d.outcome = reason;
  d.interrupted = interrupted;
  d.endedAt = at;
  d.effect = null;
  d.awaiting = null;
}
