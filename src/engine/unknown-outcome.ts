// A step whose outcome is unknown: patchwalk stopped while its action ran (a crash, a lost
// status file, a VM power change or reboot cut short). The step's optional `verify:` check runs
// first; then the operator chooses: run the action again, mark it done, or skip the step.
import { stepKind, type Step, type StepOf } from '../runbook/schema.js';
import { actionDone, currentStep, currentStepState, setEffect } from './engine.js';
import { ask } from './prompts.js';
import { execCommand } from './steps/command-steps.js';
import { STEP_HANDLERS } from './step-handlers.js';
import type { Effect, EngineEvent, RunState } from './types.js';

type NewEffect = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

function what(effect: Effect): string {
  if (effect.type === 'exec') return `the command (${effect.display.split('\n')[0]})`;
  if (effect.type === 'vm-power') return `the VM power change (${effect.action}: ${effect.vms.join(', ')})`;
  if (effect.type === 'reboot') return `the reboot of ${effect.host}`;
  return 'the action';
}

export function outcomeLost(d: RunState, effect: Effect, reason: string, at: number): void {
  const step = currentStep(d);
  if (!step) return;
  const state = currentStepState(d);
  state.unknown = { effect, reason };
  d.notices.push({ at, level: 'warn', text: `${step.id}: outcome unknown: ${what(effect)}: ${reason}` });
  const verify = 'verify' in step ? (step as StepOf<'run'>).verify : undefined;
  if (verify) {
    execCommand(d, step, verify, { on: (step as StepOf<'run'>).on, role: 'verify' });
    return;
  }
  askUnknown(d, step, at);
}

export function verified(d: RunState, event: Extract<EngineEvent, { type: 'exec-done' }>): void {
  const step = currentStep(d);
  const state = currentStepState(d);
  if (!step || !state.unknown) return;
  state.unknown.verify = { exitCode: event.exitCode, timedOut: event.timedOut, error: event.error };
  askUnknown(d, step, event.at);
}

function askUnknown(d: RunState, step: Step, at: number): void {
  const unknown = currentStepState(d).unknown;
  if (!unknown) return;
  const { effect, verify } = unknown;
  const passed = verify?.exitCode === 0 && !verify.timedOut;
  const verifyText = !verify ? '' : passed ? ' Its verify check passed.' : ` Its verify check failed (${verify.error ?? (verify.timedOut ? 'timed out' : `exit ${verify.exitCode ?? 'unknown'}`)}).`;
  const again = effect.type === 'exec' ? 'Run the command again' : effect.type === 'reboot' ? 'Reboot the host again' : 'Repeat the VM power change';
  // --yes never re-runs a command on its own; repeating a power change or a reboot is safe to retry,
  // and destructive ones still need the runbook's consent to unattended runs.
  const destructive = effect.type === 'reboot' || (effect.type === 'vm-power' && effect.action === 'poweroff');
  ask(
    d,
    step.id,
    {
      kind: 'choice',
      question: `Outcome unknown for step ${step.id}: ${what(effect)} ${unknown.reason}.${verifyText} What now?`,
      options: [
        { value: 'rerun', label: again },
        { value: 'done', label: 'Mark it done' },
        { value: 'skip', label: 'Skip it' },
      ],
      default: passed ? 'done' : undefined,
      yesAnswer: passed ? 'done' : effect.type === 'exec' ? undefined : 'rerun',
      destructive,
    },
    { purpose: 'unknown' },
    at,
  );
}

/** What a step's action would have reported had it succeeded, for "mark it done". */
function success(effect: Effect, at: number): EngineEvent & { at: number } {
  switch (effect.type) {
    case 'exec':
      return { type: 'exec-done', effectId: effect.id, exitCode: 0, timedOut: false, stdout: '', at };
    case 'vm-power':
      return { type: 'vm-power-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' })), at };
    case 'reboot':
      return { type: 'reboot-done', effectId: effect.id, outcome: 'back', at };
    default:
      return { type: 'slept', effectId: effect.id, at };
  }
}

export function resolveUnknown(d: RunState, choice: string, at: number): void {
  const step = currentStep(d);
  const state = currentStepState(d);
  const unknown = state.unknown;
  if (!step || !unknown) return;
  state.unknown = undefined;
  if (choice === 'rerun') {
    const { id: _id, ...again } = unknown.effect;
    setEffect(d, again as NewEffect);
  } else if (choice === 'done') {
    d.notices.push({ at, level: 'info', text: `${step.id}: marked done by the operator (outcome was unknown)` });
    STEP_HANDLERS[stepKind(step)].resume(d, step, success(unknown.effect, at), unknown.effect);
    if (state.status === 'done') state.message = 'marked done by the operator (outcome was unknown)';
  } else {
    actionDone(d, 'skipped', `outcome unknown (${unknown.reason}); skipped by the operator`, at);
  }
}
