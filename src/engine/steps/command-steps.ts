// Steps that run commands: run (once) and wait (until a check passes).
import { formatDuration, mustParseDuration } from '../../runbook/duration.js';
import type { CommandSpec, Step, StepOf } from '../../runbook/schema.js';
import { scopeFor } from '../context.js';
import { actionDone, actionFailed, currentItemVm, currentStepState, setEffect } from '../engine.js';
import type { RunState, Vm } from '../types.js';
import { ignore, type StepHandler } from './handler.js';

export const DEFAULT_WAIT_INTERVAL = '5s';
export const DEFAULT_WAIT_TIMEOUT = '5m';

function failureText(event: { exitCode: number | null; timedOut: boolean; error?: string; connectionLost?: boolean }, timeout?: string): string {
  if (event.connectionLost) return event.error ?? 'lost the ssh connection';
  if (event.timedOut) return `timed out after ${timeout ?? 'its timeout'}`;
  if (event.error) return event.error;
  return `exit code ${event.exitCode ?? 'unknown'}`;
}

/** Asks for a command to run for a step: its run, its wait check, or its verify check. */
export function execCommand(
  d: RunState,
  step: Step,
  spec: CommandSpec,
  options: { on?: 'local' | 'host'; capture?: boolean; env?: Record<string, string>; role?: 'verify' },
  vm: Vm | undefined = currentItemVm(d),
): void {
  const { command, display } = scopeFor(d, vm).command(spec, options.env);
  setEffect(d, {
    type: 'exec',
    stepId: step.id,
    command,
    display,
    on: options.on ?? 'local',
    timeoutMs: step.timeout ? mustParseDuration(step.timeout) : undefined,
    capture: Boolean(options.capture),
    ...(options.role ? { role: options.role } : {}),
  });
}

export const run: StepHandler = {
  start(d, step, _at, vm) {
    const spec = step as StepOf<'run'>;
    execCommand(d, step, spec.run, { on: spec.on, capture: Boolean(spec.capture), env: spec.env }, vm);
  },
  resume(d, step, event) {
    if (event.type !== 'exec-done') return;
    const spec = step as StepOf<'run'>;
    if (event.exitCode === 0 && !event.timedOut && !event.connectionLost) {
      if (spec.capture) d.vars[spec.capture] = d.options.dryRun ? `<output of ${step.id}>` : (event.stdout ?? '').trim();
      actionDone(d, 'done', undefined, event.at, 0);
    } else {
      actionFailed(d, step, failureText(event, spec.timeout), event.exitCode, event.at);
    }
  },
  answer: ignore,
};

function startCheck(d: RunState, step: StepOf<'wait'>): void {
  execCommand(d, step, step.wait.check, { on: step.wait.on });
}

export const wait: StepHandler = {
  start(d, step, at) {
    currentStepState(d).pollingSince = at;
    startCheck(d, step as StepOf<'wait'>);
  },
  resume(d, step, event) {
    const spec = step as StepOf<'wait'>;
    if (event.type === 'slept') {
      startCheck(d, spec);
      return;
    }
    if (event.type !== 'exec-done') return;
    const state = currentStepState(d);
    if (event.exitCode === 0 && !event.timedOut) {
      actionDone(d, 'done', `passed after ${formatDuration(event.at - (state.pollingSince ?? event.at))}`, event.at, 0);
      return;
    }
    const interval = mustParseDuration(spec.wait.interval ?? DEFAULT_WAIT_INTERVAL);
    const limit = spec.wait.timeout ?? DEFAULT_WAIT_TIMEOUT;
    const waited = event.at - (state.pollingSince ?? event.at);
    if (waited + interval > mustParseDuration(limit)) {
      actionFailed(d, step, `check did not pass within ${limit} (last: ${failureText(event, spec.timeout)})`, event.exitCode, event.at);
      return;
    }
    setEffect(d, { type: 'sleep', stepId: step.id, ms: interval, reason: 'poll' });
  },
  answer: ignore,
};
