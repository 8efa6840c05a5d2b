// Turns what the driver does into journal records: every engine event (the input that rebuilds
// the run), then the human-readable records it led to (step start and end, answers, VM state
// changes, notices, the end). Records are fsynced as they are written, before the next effect;
// a VM's state changing under a power action is an observation, grouped with the others of its
// turn into one commit (still before any later record, and before the next effect).
import { rollingRecords } from '../rolling/rolling-records.js';
import { scopeFor } from '../engine/context.js';
import { isFinished } from '../engine/engine.js';
import type { Effect, EngineEvent, RunState } from '../engine/types.js';
import { describeEffect } from '../engine/effects.js';
import { vmNamed } from '../engine/run-vms.js';
import { kindOfStep } from '../kinds/registry.js';
import type { JournalWriter } from './journal-writer.js';
import type { JournalRecord } from './records.js';
import { SECRET_MASK, type Secrets } from './secrets.js';
import { approvalRequestId } from '../approval/approval-request.js';
import { currentOperator } from './operator.js';

function title(state: RunState, index: number): string {
  const template = state.runbook.steps[index]?.title ?? '';
  try {
    return scopeFor(state).text(template);
  } catch {
    return template;
  }
}

/** The name of the secret a prompt asks for, if it asks for one. */
function secretName(previous: RunState): string | undefined {
  const effect = previous.effect;
  if (effect?.type !== 'prompt' || effect.prompt.kind !== 'input' || !effect.prompt.secret) return undefined;
  if (previous.awaiting?.purpose === 'param') return previous.awaiting.name;
  const step = previous.runbook.steps.find((candidate) => candidate.id === effect.stepId);
  const variable = step ? kindOfStep(step)?.variables(step).find((candidate) => candidate.secret) : undefined;
  return variable?.name ?? effect.stepId;
}

export function eventRecord(event: EngineEvent, state: RunState, previous: RunState): JournalRecord {
  if (event.type === 'answer') {
    const secret = secretName(previous);
    if (secret) {
      const again = state.effect?.type === 'prompt' && state.effect.stepId === previous.effect?.stepId && 'error' in state.effect.prompt && Boolean(state.effect.prompt.error);
      return { type: 'event', at: event.at, event: { ...event, value: SECRET_MASK }, secret, ...(again ? { rejected: true } : {}) };
    }
  }
  return { type: 'event', at: event.at, event };
}

export class JournalObserver {
  constructor(
    private readonly journal: JournalWriter,
    private readonly secrets: Secrets,
  ) {}

  event(event: EngineEvent, state: RunState, previous: RunState): void {
    this.secrets.update(state);
    const records = [eventRecord(event, state, previous), ...approvalDecisionRecords(event, previous), ...derivedRecords(state, previous, event.at)];
    if (event.type === 'vm-state') this.journal.appendGrouped(records);
    else this.journal.appendAll(records);
  }

  beforeEffect(effect: Effect, state: RunState, at = Date.now()): void {
    if (effect.type === 'approval') {
      const { step, title, summary, vms, commands, allowSameAccount } = effect.request;
      const driver = { ...currentOperator(), uid: process.getuid?.() ?? 0 };
      const request = approvalRequestId(effect);
      this.journal.append({ type: 'approval-requested', at, step, effect: effect.id, request, title, summary, vms, commands, allow_same_account: allowSameAccount, driver });
      return;
    }
    if (effect.type === 'prompt') {
      this.journal.append({ type: 'prompt', at, step: effect.stepId, effect: effect.id, kind: effect.prompt.kind, question: effect.prompt.question });
      return;
    }
    const { changesWorld, journal } = describeEffect(effect);
    if (changesWorld && journal && !state.options.dryRun) {
      this.journal.append({ type: 'effect-start', at, step: effect.stepId ?? '', effect: effect.id, action: journal.action, detail: journal.detail });
    }
  }
}

/** Who decided a two-person approval, from where, when, what and why: the record the report lists. */
function approvalDecisionRecords(event: EngineEvent, previous: RunState): JournalRecord[] {
  const effect = previous.effect;
  if (event.type !== 'approval-done' || effect?.type !== 'approval' || effect.id !== event.effectId) return [];
  const type = event.decision === 'granted' ? 'approval-granted' : 'approval-denied';
  const reason = event.reason ? { reason: event.reason } : {};
  return [{ type, at: event.at, step: effect.stepId, effect: effect.id, request: approvalRequestId(effect), summary: effect.request.summary, approver: event.approver, ...reason }];
}

export function derivedRecords(state: RunState, previous: RunState, at: number): JournalRecord[] {
  const records: JournalRecord[] = [];
  state.steps.forEach((step, index) => {
    const before = previous.steps[index];
    if (!before) return;
    if (before.status === 'pending' && step.status !== 'pending' && step.startedAt !== undefined) {
      records.push({ type: 'step-start', at: step.startedAt, step: step.id, index, title: title(state, index) });
    }
    if (step.status !== before.status && (step.status === 'done' || step.status === 'failed' || step.status === 'skipped')) {
      records.push({
        type: 'step-end',
        at: step.endedAt ?? at,
        step: step.id,
        status: step.status,
        exit_code: step.exitCode,
        duration_ms: step.startedAt !== undefined && step.endedAt !== undefined ? step.endedAt - step.startedAt : undefined,
        message: step.message,
      });
    }
  });
  for (const answer of state.answers.slice(previous.answers.length)) {
    records.push({ type: 'answer', at: answer.at, step: answer.stepId, question: answer.question, answer: answer.answer, by: answer.by });
  }
  for (const notice of state.notices.slice(previous.notices.length)) records.push({ type: 'notice', ...notice });
  records.push(...vmStateRecords(state, previous, at));
  records.push(...rollingRecords(state, previous, at));
  if (isFinished(state) && !isFinished(previous)) records.push({ type: 'run-end', at: state.endedAt ?? at, phase: state.phase, outcome: state.outcome });
  return records;
}

/** VM state changes between two states. Updates share structure, so an unchanged list costs one
 * comparison and a changed one a reference check per VM, never a search. */
function vmStateRecords(state: RunState, previous: RunState, at: number): JournalRecord[] {
  const vms = state.vms ?? [];
  if (vms === previous.vms) return [];
  const records: JournalRecord[] = [];
  const sameList = previous.vms !== undefined && previous.vms.length === vms.length && state.vmIndex === previous.vmIndex;
  vms.forEach((vm, position) => {
    const before = sameList ? previous.vms?.[position] : vmNamed(previous, vm.name);
    if (before === vm) return;
    if (before?.state !== vm.state) records.push({ type: 'vm-state', at, vm: vm.name, from: before?.state ?? null, to: vm.state });
  });
  return records;
}
