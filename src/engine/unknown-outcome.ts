// A step whose outcome is unknown: patchwalk stopped while its action ran (a crash, a lost
// status file, a VM power change or reboot cut short). The step's optional `verify:` check runs
// first; then the operator chooses: run the action again, mark it done, or skip the step.
import { describeEffect } from './effects.js';
import { execEffect } from './exec-effect.js';
import { ask, effect as perform, skipped, WAIT, type NewEffect, type Outcome } from './outcome.js';
import { scopeFor } from './context.js';
import type { Effect, EngineEvent, RunState } from './types.js';

const currentStep = (d: RunState) => (d.phase === 'steps' ? d.runbook.steps[d.cursor] : undefined);

/** "Mark it done": the engine hands the step the event its action would have sent had it succeeded. */
export type Resolution = Outcome | { kind: 'succeeded'; event: EngineEvent & { at: number }; effect: Effect };

export function outcomeLost(d: RunState, effect: Effect, reason: string, at: number): Outcome {
  const step = currentStep(d);
  const state = d.steps[d.cursor];
  if (!step || !state) return WAIT;
  state.unknown = { effect, reason };
  d.notices.push({ at, level: 'warn', text: `${step.id}: outcome unknown: ${describeEffect(effect).what}: ${reason}` });
  if ('verify' in step && step.verify) {
    return perform(execEffect(step.id, step.timeout, scopeFor(d), step.verify, { on: step.on, role: 'verify' }));
  }
  return askUnknown(d);
}

export function verified(d: RunState, event: Extract<EngineEvent, { type: 'exec-done' }>): Outcome {
  const state = d.steps[d.cursor];
  if (!state?.unknown) return WAIT;
  state.unknown.verify = { exitCode: event.exitCode, timedOut: event.timedOut, error: event.error };
  return askUnknown(d);
}

function askUnknown(d: RunState): Outcome {
  const step = currentStep(d);
  const unknown = d.steps[d.cursor]?.unknown;
  if (!step || !unknown) return WAIT;
  const { effect, verify } = unknown;
  const facts = describeEffect(effect);
  const passed = verify?.exitCode === 0 && !verify.timedOut;
  const verifyText = !verify ? '' : passed ? ' Its verify check passed.' : ` Its verify check failed (${verify.error ?? (verify.timedOut ? 'timed out' : `exit ${verify.exitCode ?? 'unknown'}`)}).`;
  return ask(
    {
      kind: 'choice',
      question: `Outcome unknown for step ${step.id}: ${facts.what} ${unknown.reason}.${verifyText} What now?`,
      options: [
        { value: 'rerun', label: facts.again },
        { value: 'done', label: 'Mark it done' },
        { value: 'skip', label: 'Skip it' },
      ],
      default: passed ? 'done' : undefined,
      // --yes never re-runs a command on its own; repeating a VM action or a reboot is safe to
      // retry, and destructive ones still need the runbook's consent to unattended runs.
      yesAnswer: passed ? 'done' : facts.safeToRepeat ? 'rerun' : undefined,
      destructive: facts.destructive,
    },
    { purpose: 'unknown' },
  );
}

export function resolveUnknown(d: RunState, choice: string, at: number): Resolution {
  const step = currentStep(d);
  const state = d.steps[d.cursor];
  const unknown = state?.unknown;
  if (!step || !state || !unknown) return WAIT;
  state.unknown = undefined;
  if (choice === 'rerun') {
    const { id: _id, ...again } = unknown.effect;
    return perform(again as NewEffect);
  }
  if (choice === 'done') {
    d.notices.push({ at, level: 'info', text: `${step.id}: marked done by the operator (outcome was unknown)` });
    return { kind: 'succeeded', event: describeEffect(unknown.effect).success(at), effect: unknown.effect };
  }
  return skipped(`outcome unknown (${unknown.reason}); skipped by the operator`);
}
