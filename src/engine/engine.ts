// The run engine: a pure reducer from events to run state. It decides what happens next and
// names it as state.effect; a driver performs the effect and answers with an event. Step kinds
// (src/kinds/) return outcomes; this file alone applies them, so the rules of how a run moves on
// live in one place. Updates share structure (Immer), so an event costs what it changes.
import { produce, setAutoFreeze } from 'immer';
import { formatDuration, mustParseDuration } from '../runbook/duration.js';
import type { Runbook, Step } from '../runbook/schema.js';
import { KINDS, kindOfStep, type AnyKind } from '../kinds/registry.js';
import type { StepContext } from '../kinds/kind.js';
import { TemplateError } from '../runbook/template.js';
import { scopeFor, targetName } from './context.js';
import type { NewEffect, Outcome } from './outcome.js';
import { matchesWhole } from './pattern.js';
import { automaticAnswer, recordAnswer } from './prompts.js';
import { briefing } from './guided.js';
import { compareExpect, outputMatches } from './expect.js';
import { loadVms, namesSomething, noMatch, setVmState, vmNamed, vmsInScope, whole } from './run-vms.js';
import { QUIT_RESTORE_CONCURRENCY, QUIT_RESTORE_TIMEOUT_MS } from '../limits.js';
import { selectVms } from './select.js';
import { goNoGoFor } from '../history/go-no-go.js';
import { outcomeLost, resolveUnknown, verified } from './unknown-outcome.js';
import { approvalFor } from '../approval/approval-policy.js';
import { approvalRequest } from '../approval/approval-request.js';
import { describeApprover } from '../approval/approver-text.js';
import type { Awaiting, Effect, EngineEvent, Prompt, PromptAnswer, RollingMember, RunOptions, RunState, StepState, Vm } from './types.js';
import { currentMember, expandCluster, isClusterRunbook } from '../rolling/cluster-runbook.js';
import { giveUpMember, memberStepFailed, questionBeforeMember, rollingAnswered, rollingInventoryLoaded, rollingOutcome, skipHostChoice } from '../rolling/rolling-engine.js';

// Renderers and the journal keep references to past states and never write to them; freezing
// every new state would cost a walk per event for nothing.
setAutoFreeze(false);

export function initialState(runbook: Runbook, options: RunOptions, given: Record<string, string> = {}, members?: RollingMember[]): RunState {
  // A cluster runbook walks its per_host steps once per member: laid out here as one list.
  const rolling = members && isClusterRunbook(runbook) ? expandCluster(runbook, members) : undefined;
  if (rolling) {
    runbook = rolling.runbook;
    const defaults = Object.fromEntries(Object.entries(runbook.params ?? {}).flatMap(([name, param]) => (param.default !== undefined ? [[name, param.default]] : [])));
    rolling.rolling.cluster = targetName({ runbook, params: { ...defaults, ...given } });
  }
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
    steps: runbook.steps.map((step) => ({ id: step.id, kind: kindOf(step).key, status: 'pending', attempts: 0 })),
    stoppedByRun: [],
    snapshots: [],
    effect: null,
    effectSeq: 0,
    awaiting: null,
    answers: [],
    notices: [],
    ...(rolling ? { rolling: rolling.rolling } : {}),
  };
}

export function isFinished(state: RunState): boolean {
  return state.phase === 'done' || state.phase === 'failed' || state.phase === 'aborted';
}

export function reduce(state: RunState, event: EngineEvent): RunState {
  if (event.type === 'vm-state') return vmStateChanged(state, event.name, event.state);
  if (isFinished(state) && event.type !== 'wind-down') return state;
  return produce(state, (draft) => {
    apply(draft as RunState, event);
  });
}

/**
 * The commonest event by far (several per VM during a power change) changes one VM: a copy of the
 * VM list's references and of that VM, nothing else. Immer would walk the whole copied list to
 * finalize it, which at thousands of VMs costs more than everything else in the run.
 */
function vmStateChanged(state: RunState, name: string, to: Vm['state']): RunState {
  const position = state.vmIndex?.[name];
  const vm = position === undefined ? undefined : state.vms?.[position];
  if (!state.vms || position === undefined || !vm || vm.state === to) return state;
  const vms = state.vms.slice();
  vms[position] = { ...vm, state: to };
  // Not frozen: freezing walks the whole list, and this runs several times per VM.
  return { ...state, vms };
}

function kindOf(step: Step): AnyKind {
  const kind = kindOfStep(step);
  if (!kind) throw new Error(`internal: step ${step.id} has no kind`);
  return kind;
}

function apply(d: RunState, event: EngineEvent): void {
  if (event.type === 'start') {
    d.startedAt = event.at;
    advance(d, event.at);
    return;
  }
  // VM state changes never get here: reduce applies them without a draft.
  if (event.type === 'vm-state') return;
  if (event.type === 'abort') {
    abortRun(d, event.reason, event.at, !event.decided);
    return;
  }
  if (event.type === 'wind-down') {
    windDown(d, event.reason, event.at);
    return;
  }
  // Every other event answers the open effect; a stale answer (an old effect id) changes nothing.
  if (!d.effect || event.effectId !== d.effect.id) return;
  const effect = d.effect;
  d.effect = null;
  if (event.type === 'answer' && effect.type === 'prompt') {
    const awaiting = d.awaiting;
    d.awaiting = null;
    d.declined = undefined;
    recordAnswer(d, effect.stepId, effect.prompt, event.value, 'operator', event.at);
    if (awaiting) answered(d, awaiting, event.value, event.at, effect.prompt, true);
  } else if (event.type === 'inventory-loaded' && !effect.stepId) {
    loadVms(d, event.vms);
    d.vmsBefore = whole(structuredClone(event.vms));
    rollingInventoryLoaded(d);
    d.phase = 'steps';
  } else if (event.type === 'inventory-failed' && !effect.stepId) {
    failRun(d, `cannot list the VMs: ${event.message}`, event.at);
    return;
  } else if (d.phase === 'restoring') {
    restored(d, event, event.at);
    return;
  } else if (d.phase === 'closing') {
    for (const kind of KINDS) kind.closing?.settle(d, event, effect);
  } else if (event.type === 'approval-done' && effect.type === 'approval') {
    approvalDecided(d, event);
  } else if (event.type === 'lost') {
    applyOutcome(d, outcomeLost(d, effect, event.reason, event.at), event.at);
  } else if (event.type === 'exec-done' && effect.type === 'exec' && effect.role === 'verify') {
    applyOutcome(d, verified(d, event), event.at);
  } else if (event.type === 'slept' && effect.type === 'sleep' && effect.reason === 'retry') {
    startAction(d, event.at);
  } else {
    if (d.options.guided && event.type === 'exec-done' && d.phase === 'steps') {
      const step = currentStep(d);
      const matched = step ? outputMatches(step, event.stdout) : undefined;
      if (matched !== undefined) currentStepState(d).outputMatched = matched;
    }
    resumeStep(d, event, effect);
  }
  advance(d, event.at);
}

/** Hands an event to the current step's kind. */
function resumeStep(d: RunState, event: EngineEvent & { at: number }, effect: Effect): void {
  const step = currentStep(d);
  if (!step) return;
  const resume = kindOf(step).handler.resume;
  if (resume) applyOutcome(d, resume(contextFor(d, step, event.at), event, effect), event.at);
}

function answered(d: RunState, awaiting: Awaiting, value: PromptAnswer, at: number, prompt: Prompt, byOperator = false): void {
  if (awaiting.purpose === 'param') {
    const text = String(value);
    const param = d.runbook.params?.[awaiting.name];
    if (param?.pattern && !matchesWhole(param.pattern, text)) {
      const shown = d.secretNames.includes(awaiting.name) ? '***' : text;
      if (prompt.kind === 'input') askNow(d, 'params', { ...prompt, error: `"${shown}" does not match ${param.pattern}` }, awaiting, at);
      return;
    }
    d.params[awaiting.name] = text;
    d.paramCursor++;
    return;
  }
  if (awaiting.purpose === 'unknown') {
    const resolution = resolveUnknown(d, String(value), at);
    if (resolution.kind !== 'succeeded') {
      applyOutcome(d, resolution, at);
      return;
    }
    const state = currentStepState(d);
    resumeStep(d, resolution.event, resolution.effect);
    if (state.status === 'done') state.message = 'marked done by the operator (outcome was unknown)';
    return;
  }
  if (awaiting.purpose === 'no-match') {
    if (value === 'skip') actionDone(d, 'skipped', 'the selector matched no VM; skipped by the operator', at);
    else abortRun(d, `a selector at step ${currentStep(d)?.id ?? '?'} matched no VM`, at);
    return;
  }
  if (awaiting.purpose === 'rolling' && awaiting.about === 'next-host') {
    const stop = rollingAnswered(d, awaiting, value);
    if (stop) abortRun(d, stop, at);
    return;
  }
  if (awaiting.purpose === 'go-no-go') {
    const step = currentStep(d);
    if (!step) return;
    // No-go starts nothing: the question stands (fresh figures) while the driver asks the quit question.
    if (value === 'go') openStep(d, step, at);
    else if (!askGoNoGo(d, step, at)) askNow(d, step.id, prompt, { purpose: 'go-no-go' }, at);
    return;
  }
  if (awaiting.purpose === 'failure') {
    resolveFailure(d, String(value), awaiting.message, awaiting.exitCode, at);
    return;
  }
  if (awaiting.purpose === 'guide') {
    const step = currentStep(d);
    // The step's time starts once the trainee has read the briefing.
    currentStepState(d).startedAt = at;
    if (step) beginStep(d, step, at);
    return;
  }
  if (awaiting.purpose === 'approval-denied') {
    const step = currentStep(d);
    if (value === 'again' && step) requestApproval(d, step, at);
    else if (value === 'skip') actionDone(d, 'skipped', 'approval denied; skipped by the operator', at);
    else abortRun(d, `step ${step?.id ?? '?'} was denied approval, and the operator ended the run`, at);
    return;
  }
  const step = currentStep(d);
  const answer = step ? kindOf(step).handler.answer : undefined;
  if (!step || !answer) return;
  const outcome = answer(contextFor(d, step, at), { value, awaiting, prompt });
  // One n must not end a run that has VMs off: the question stands until the quit question decides.
  if (outcome.kind === 'abort' && value === false && byOperator && stoppedAndOff(d).length > 0) {
    askNow(d, step.id, prompt, awaiting, at);
    d.declined = { step: step.id, reason: outcome.reason };
    return;
  }
  applyOutcome(d, outcome, at);
}

function currentStep(d: RunState): Step | undefined {
  return d.phase === 'steps' ? d.runbook.steps[d.cursor] : undefined;
}

function currentStepState(d: RunState): StepState {
  const state = d.steps[d.cursor];
  if (!state) throw new Error(`internal: no step at ${d.cursor}`);
  return state;
}

function contextFor(d: RunState, step: Step, at: number): StepContext<unknown> {
  const vm = currentItemVm(d);
  return { step, run: d, state: currentStepState(d), at, vm, scope: scopeFor(d, vm) };
}

function setEffect(d: RunState, effect: NewEffect): void {
  d.effectSeq++;
  // In a rolling, a host command or a reboot goes to the member whose step asks for it.
  const member = (effect.type === 'exec' || effect.type === 'reboot') && d.rolling ? currentMember(d)?.name : undefined;
  d.effect = { ...effect, ...(member ? { member } : {}), id: d.effectSeq } as Effect;
}

/** Asks, unless --yes or --dry-run answer for the operator; then the answer is handled at once. */
function askNow(d: RunState, stepId: string, prompt: Prompt, awaiting: Awaiting, at: number): void {
  const automatic = automaticAnswer(d, prompt);
  if (!automatic) {
    d.awaiting = awaiting;
    setEffect(d, { type: 'prompt', stepId, prompt });
    return;
  }
  recordAnswer(d, stepId, prompt, automatic.value, automatic.by, at);
  answered(d, awaiting, automatic.value, at, prompt);
}

/** Applies what a step's handler decided. */
function applyOutcome(d: RunState, outcome: Outcome, at: number): void {
  const step = currentStep(d);
  if (!step) return;
  switch (outcome.kind) {
    case 'effect':
      setEffect(d, outcome.effect);
      return;
    case 'ask':
      askNow(d, step.id, outcome.prompt, outcome.awaiting, at);
      return;
    case 'done':
      actionDone(d, outcome.status, outcome.message, at, outcome.exitCode);
      return;
    case 'failed':
      actionFailed(d, step, outcome.message, outcome.exitCode, at);
      return;
    case 'abort':
      abortRun(d, outcome.reason, at);
      return;
    case 'wait':
      return;
  }
}

function needsInventory(runbook: Runbook): boolean {
  if (runbook.inventory) return true;
  return runbook.steps.some((step) => kindOf(step).facts.needsInventory || step.each_vm);
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
    if (d.phase === 'closing') {
      closeRun(d, at);
      continue;
    }
    const step = d.runbook.steps[d.cursor];
    if (!step) {
      d.phase = 'closing';
      continue;
    }
    if (currentStepState(d).status === 'pending') {
      const question = questionBeforeMember(d);
      if (question) {
        askNow(d, step.id, question.prompt, question.awaiting, at);
        continue;
      }
      enterStep(d, step, at);
    }
    else d.cursor++;
  }
}

/** After the last step: each kind's closing work (snapshot cleanup), then the run's end. */
function closeRun(d: RunState, at: number): void {
  if (!d.revert) {
    for (const kind of KINDS) {
      const next = kind.closing?.next(d);
      if (next) {
        setEffect(d, next);
        return;
      }
    }
  }
  d.endedAt = at;
  const hostsFailed = rollingOutcome(d);
  if (hostsFailed && !d.revert) {
    d.phase = 'failed';
    d.outcome = hostsFailed;
    return;
  }
  if (d.revert) {
    d.phase = 'failed';
    d.outcome = `step ${d.revert.failedStep} failed (${d.revert.message}); the VMs were reverted by step ${d.revert.revertStep}`;
  } else d.phase = 'done';
}

function resolveNextParam(d: RunState, at: number): void {
  const entries = Object.entries(d.runbook.params ?? {});
  while (d.paramCursor < entries.length) {
    const entry = entries[d.paramCursor];
    if (!entry) break;
    const [name, param] = entry;
    if (Object.hasOwn(d.params, name)) {
      d.paramCursor++;
      continue;
    }
    const question = param.prompt ?? param.description ?? name;
    if (param.default !== undefined && (!param.prompt || d.options.yes || d.options.dryRun)) {
      d.params[name] = param.default;
      d.paramCursor++;
      continue;
    }
    const prompt: Prompt = param.choices
      ? { kind: 'choice', question, options: param.choices.map((value) => ({ value, label: value })), default: param.default }
      : { kind: 'input', question, default: param.default, pattern: param.pattern, secret: param.secret };
    askNow(d, 'params', prompt, { purpose: 'param', name }, at);
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
  if (askGoNoGo(d, step, at)) return;
  openStep(d, step, at);
}

/** Asks go or no-go when past runs say the step needs it (a reboot, or too long for the window). */
function askGoNoGo(d: RunState, step: Step, at: number): boolean {
  const gate = goNoGoFor(d, step, kindOf(step).key, at);
  if (gate) askNow(d, step.id, { kind: 'go-no-go', question: gate.question, figures: gate.figures }, { purpose: 'go-no-go' }, at);
  return gate !== undefined;
}

/** The step is under way; in guided mode its briefing comes first, and it waits for Enter. */
function openStep(d: RunState, step: Step, at: number): void {
  const state = currentStepState(d);
  state.status = 'running';
  state.startedAt ??= at;
  // A note is its own briefing: it waits for Enter itself.
  if (d.options.guided && !kindOf(step).spec.text) {
    const scope = scopeFor(d);
    for (const text of briefing(d, step, scope)) d.notices.push({ at, level: 'info', text, step: step.id });
    // The step's own pause (a VM table in training) is where the trainee reads the briefing too.
    if (kindOf(step).facts.pausesToRead && d.options.pauseToRead) {
      beginStep(d, step, at);
      return;
    }
    let title = step.title;
    try {
      title = scope.text(step.title);
    } catch {
      // Shown as written: a title may name a value the step itself sets.
    }
    askNow(d, step.id, { kind: 'continue', question: `Guided: ${title}. Press Enter to start this step` }, { purpose: 'guide' }, at);
    return;
  }
  beginStep(d, step, at);
}

/** The step's work begins: the window check, its selector, its VMs, its action. */
function beginStep(d: RunState, step: Step, at: number): void {
  const state = currentStepState(d);
  windowNotice(d, step, at);
  const selector = kindOf(step).selector(step);
  if (selector && namesSomething(selector) && selectVms(vmsInScope(d), selector, d.stoppedByRun).length === 0) {
    applyOutcome(d, noMatch(d, step.id, selector), at);
    return;
  }
  if (step.each_vm) {
    const vms = selectVms(vmsInScope(d), step.each_vm, d.stoppedByRun);
    if (vms.length === 0) {
      if (namesSomething(step.each_vm)) applyOutcome(d, noMatch(d, step.id, step.each_vm), at);
      else finishStep(d, 'skipped', `no VMs match each_vm: ${String(step.each_vm)}`, at);
      return;
    }
    state.items = vms.map((vm) => ({ vm: vm.name, status: 'pending' }));
  }
  if (approvalFor(d.runbook, step)) {
    requestApproval(d, step, at);
    return;
  }
  startAction(d, at);
}

/** Two-person approval: the step waits until a second operator decides (a dry run only says so). */
function requestApproval(d: RunState, step: Step, at: number): void {
  const policy = approvalFor(d.runbook, step);
  if (!policy) return;
  // A rehearsal changes nothing either: a trainee alone is not kept waiting for a second operator.
  if (d.options.dryRun || d.options.rehearsal) {
    d.notices.push({ at, level: 'info', text: `step ${step.id} would wait here for a second operator: patchwalk approve ${d.options.runId}` });
    startAction(d, at);
    return;
  }
  setEffect(d, { type: 'approval', stepId: step.id, request: approvalRequest(d, step, policy) });
}

function approvalDecided(d: RunState, event: Extract<EngineEvent, { type: 'approval-done' }>): void {
  const step = currentStep(d);
  if (!step) return;
  const who = describeApprover(event.approver);
  const why = event.reason ? `: "${event.reason}"` : '';
  if (event.decision === 'granted') {
    currentStepState(d).approved = true;
    d.notices.push({ at: event.at, level: event.approver.same_account ? 'warn' : 'info', text: `step ${step.id} approved by ${who}${why}` });
    startAction(d, event.at);
    return;
  }
  d.notices.push({ at: event.at, level: 'warn', text: `step ${step.id} denied by ${who}${why}` });
  askNow(
    d,
    step.id,
    {
      kind: 'choice',
      question: `${who} denied step ${step.id}${why}. What now?`,
      options: [
        { value: 'again', label: 'Ask for approval again' },
        { value: 'skip', label: 'Skip this step and go on' },
        { value: 'abort', label: 'End the run here' },
      ],
      // Enter asks again: nothing happens to any VM without a second operator.
      default: 'again',
    },
    { purpose: 'approval-denied' },
    event.at,
  );
}

/** The VM of the per-VM pass in progress, if the step is per-VM. */
function currentItemVm(d: RunState): Vm | undefined {
  const item = d.steps[d.cursor]?.items?.find((candidate) => candidate.status === 'pending' || candidate.status === 'running');
  return item ? vmNamed(d, item.vm) : undefined;
}

function startAction(d: RunState, at: number): void {
  const step = currentStep(d);
  if (!step) return;
  const state = currentStepState(d);
  state.attempts++;
  const item = state.items?.find((candidate) => candidate.status === 'pending' || candidate.status === 'running');
  if (item) item.status = 'running';
  let outcome: Outcome;
  try {
    outcome = kindOf(step).handler.start(contextFor(d, step, at));
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    outcome = { kind: 'failed', message: error.message };
  }
  applyOutcome(d, outcome, at);
}

/** The step's action ended; for a per-VM step that is one pass. */
function actionDone(d: RunState, status: 'done' | 'skipped', message: string | undefined, at: number, exitCode?: number | null): void {
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
    startAction(d, at);
    return;
  }
  const skipped = state.items?.filter((candidate) => candidate.status === 'skipped').length ?? 0;
  const total = state.items?.length ?? 0;
  finishStep(d, 'done', skipped ? `${total - skipped} of ${total} VMs done, ${skipped} skipped` : `${total} VMs done`, at);
}

function finishStep(d: RunState, status: 'done' | 'skipped' | 'failed', message: string | undefined, at: number): void {
  const state = currentStepState(d);
  state.status = status;
  state.message = message;
  state.endedAt = at;
  const step = currentStep(d);
  // A step skipped after it failed ran all the same: its outcome is compared too.
  if (d.options.guided && step && (status !== 'skipped' || state.exitCode !== undefined)) {
    const compared = compareExpect(d, step, state);
    if (compared) d.notices.push({ at, level: compared.met ? 'info' : 'warn', text: `${step.id}: ${compared.text}`, step: step.id });
  }
}

interface FailurePolicy {
  retries: number;
  delayMs: number;
  then: 'ask' | 'skip' | 'abort';
  /** The revert step the failure question offers. */
  revert?: string;
}

function policyOf(step: Step): FailurePolicy {
  const spec = step.on_failure ?? 'ask';
  if (spec === 'retry') return { retries: 1, delayMs: 0, then: 'ask' };
  if (typeof spec === 'string') return { retries: 0, delayMs: 0, then: spec };
  return { retries: spec.retry ?? 0, delayMs: spec.delay ? mustParseDuration(spec.delay) : 0, then: spec.then ?? 'ask', revert: spec.revert };
}

function actionFailed(d: RunState, step: Step, message: string, exitCode: number | null | undefined, at: number): void {
  const state = currentStepState(d);
  if (exitCode !== undefined) state.exitCode = exitCode;
  const policy = policyOf(step);
  if (state.attempts <= policy.retries) {
    d.notices.push({ at, level: 'warn', text: `${step.id}: ${message}; retrying (attempt ${state.attempts + 1} of ${policy.retries + 1})` });
    if (policy.delayMs > 0) setEffect(d, { type: 'sleep', stepId: step.id, ms: policy.delayMs, reason: 'retry' });
    else startAction(d, at);
    return;
  }
  if (policy.then === 'ask') {
    const vm = currentItemVm(d);
    const subject = vm ? `${step.id} (${vm.name})` : step.id;
    const revertStep = policy.revert ? d.runbook.steps.find((candidate) => candidate.id === policy.revert) : undefined;
    askNow(
      d,
      step.id,
      {
        kind: 'choice',
        question: `Step ${subject} failed: ${message}. What now?`,
        options: [
          ...(revertStep ? [{ value: 'revert', label: `Roll the VMs back to their snapshots (step ${revertStep.id})` }] : []),
          { value: 'retry', label: 'Retry the step' },
          { value: 'skip', label: 'Skip it and go on' },
          ...skipHostChoice(d),
          { value: 'abort', label: 'Abort the run' },
        ],
      },
      { purpose: 'failure', message, exitCode },
      at,
    );
    return;
  }
  resolveFailure(d, policy.then, message, exitCode, at);
}

function resolveFailure(d: RunState, choice: string, message: string, exitCode: number | null | undefined, at: number): void {
  const step = currentStep(d);
  if (!step) return;
  const revertTo = choice === 'revert' ? policyOf(step).revert : undefined;
  const revertIndex = revertTo ? d.runbook.steps.findIndex((candidate) => candidate.id === revertTo) : -1;
  if (revertTo && revertIndex > d.cursor) {
    finishStep(d, 'failed', message, at);
    d.revert = { failedStep: step.id, revertStep: revertTo, message };
    // The steps between the failure and the revert are not for a run that is rolling back.
    for (let index = d.cursor + 1; index < revertIndex; index++) {
      const skipped = d.steps[index];
      if (skipped?.status === 'pending') {
        skipped.status = 'skipped';
        skipped.message = `skipped: rolling back after ${step.id} failed`;
      }
    }
    d.cursor = revertIndex;
  } else if (choice === 'retry') {
    startAction(d, at);
  } else if (choice === 'skip') {
    actionDone(d, 'skipped', `failed (${message}), then skipped`, at, exitCode);
  } else if (choice === 'skip-host' && currentMember(d)) {
    finishStep(d, 'skipped', `failed (${message}); the operator skipped the rest of this host`, at);
    giveUpMember(d, currentMember(d)?.name ?? '', 'skipped', `the operator skipped it after step ${step.id} failed`, at);
  } else {
    finishStep(d, 'failed', message, at);
    if (memberStepFailed(d, step, message, at)) return;
    failRun(d, `step ${step.id} failed: ${message}`, at);
  }
}

function failRun(d: RunState, reason: string, at: number): void {
  d.phase = 'failed';
  d.outcome = reason;
  d.endedAt = at;
  d.effect = null;
}

function abortRun(d: RunState, reason: string, at: number, interrupted = false): void {
  const state = d.phase === 'steps' ? d.steps[d.cursor] : undefined;
  if (state?.status === 'running') finishStep(d, 'failed', interrupted ? `interrupted: ${reason}` : reason, at);
  d.phase = 'aborted';
  d.outcome = reason;
  d.interrupted = interrupted;
  d.declined = undefined;
  d.endedAt = at;
  d.effect = null;
  d.awaiting = null;
}

/** The VMs this run stopped that are still off. */
export function stoppedAndOff(state: RunState): string[] {
  return state.stoppedByRun.filter((name) => {
    const vm = vmNamed(state, name);
    return vm?.state === 'shut-off' || vm?.state === 'paused';
  });
}

/** The operator quits, but first wants the VMs this run stopped running again. */
function windDown(d: RunState, reason: string, at: number): void {
  const names = stoppedAndOff(d);
  if (!isFinished(d)) abortRun(d, reason, at);
  if (names.length === 0) return;
  d.phase = 'restoring';
  d.windingDown = reason;
  d.awaiting = null;
  setEffect(d, { type: 'vm-power', stepId: d.steps[d.cursor]?.id ?? 'restore', action: 'start', vms: names, timeoutMs: QUIT_RESTORE_TIMEOUT_MS, concurrency: QUIT_RESTORE_CONCURRENCY });
}

function restored(d: RunState, event: EngineEvent & { at: number }, at: number): void {
  const reason = d.windingDown ?? 'operator quit';
  d.windingDown = undefined;
  const failures = event.type === 'vm-power-done' ? event.results.filter((result) => result.outcome !== 'ok') : [];
  for (const failure of failures) d.notices.push({ at, level: 'warn', text: `${failure.name} did not start: ${failure.message ?? failure.outcome}` });
  if (event.type === 'vm-power-done') {
    for (const result of event.results) if (result.outcome === 'ok') setVmState(d, result.name, 'running');
  }
  const started = event.type === 'vm-power-done' ? event.results.length - failures.length : 0;
  d.phase = 'aborted';
  d.interrupted = false;
  d.endedAt = at;
  d.outcome = `${reason}; started ${started} VM(s) this run had stopped${failures.length ? `, ${failures.length} did not start` : ''}`;
}
