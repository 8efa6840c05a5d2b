// The host reboot: a typed confirmation, the reboot, the wait for the host, and a fresh VM list.
import { formatDuration, mustParseDuration } from '../../runbook/duration.js';
import type { StepOf } from '../../runbook/schema.js';
import { scopeFor, targetName } from '../context.js';
import { abortRun, actionDone, actionFailed, currentStepState, setEffect } from '../engine.js';
import { ask } from '../prompts.js';
import type { RunState } from '../types.js';
import type { StepHandler } from './handler.js';

export const DEFAULT_REBOOT_WAIT = '15m';

function issueReboot(d: RunState, step: StepOf<'reboot'>): void {
  const spec = step.reboot;
  const scope = scopeFor(d);
  currentStepState(d).runningBefore = (d.vms ?? []).filter((vm) => vm.state === 'running').map((vm) => vm.name);
  setEffect(d, {
    type: 'reboot',
    stepId: step.id,
    host: targetName(d),
    waitMs: mustParseDuration(spec.wait ?? DEFAULT_REBOOT_WAIT),
    command: spec.command ? scope.command(spec.command).command : undefined,
    bootId: spec.boot_id ? scope.command(spec.boot_id).command : undefined,
    check: spec.check ? scope.command(spec.check).command : undefined,
  });
}

export const reboot: StepHandler = {
  start(d, step, at) {
    const spec = (step as StepOf<'reboot'>).reboot;
    const host = targetName(d);
    const running = (d.vms ?? []).filter((vm) => vm.state === 'running').map((vm) => vm.name);
    const warning = running.length ? ` ${running.length} VM(s) still running will go down hard: ${running.join(', ')}.` : '';
    const confirm = spec.confirm ?? 'type-host-name';
    if (confirm === 'none') {
      issueReboot(d, step as StepOf<'reboot'>);
    } else if (confirm === 'yes-no') {
      ask(d, step.id, { kind: 'confirm', question: `Reboot ${host} now?${warning}`, destructive: true }, { purpose: 'step' }, at);
    } else {
      ask(
        d,
        step.id,
        { kind: 'type-to-confirm', question: `This reboots ${host}.${warning} Type the host name to confirm`, expected: host },
        { purpose: 'step' },
        at,
      );
    }
  },
  answer(d, step, awaiting, value, at, effect) {
    const prompt = effect.prompt;
    if (prompt.kind === 'type-to-confirm' && value !== prompt.expected) {
      const error = `"${String(value)}" is not ${prompt.expected}; type the host name exactly, or abort`;
      if (value === '' || value === false) {
        abortRun(d, `operator did not confirm the reboot at step ${step.id}`, at);
        return;
      }
      d.awaiting = awaiting;
      setEffect(d, { type: 'prompt', stepId: step.id, prompt: { ...prompt, error } });
      return;
    }
    if (value === false) {
      abortRun(d, `operator declined the reboot at step ${step.id}`, at);
      return;
    }
    issueReboot(d, step as StepOf<'reboot'>);
  },
  resume(d, step, event) {
    const state = currentStepState(d);
    if (event.type === 'reboot-done') {
      if (event.outcome === 'back') {
        setEffect(d, { type: 'inventory', stepId: step.id });
        return;
      }
      const wait = (step as StepOf<'reboot'>).reboot.wait ?? DEFAULT_REBOOT_WAIT;
      const message =
        event.outcome === 'timeout'
          ? `the host did not come back within ${wait}${event.message ? ` (${event.message})` : ''}`
          : (event.message ?? 'reboot failed');
      actionFailed(d, step, message, undefined, event.at);
      return;
    }
    if (event.type === 'inventory-failed') {
      actionFailed(d, step, `the host is back but its VMs cannot be listed: ${event.message}`, undefined, event.at);
      return;
    }
    if (event.type !== 'inventory-loaded') return;
    d.vms = event.vms;
    for (const name of state.runningBefore ?? []) {
      const vm = event.vms.find((candidate) => candidate.name === name);
      if (vm && vm.state !== 'running' && !d.stoppedByRun.includes(name)) {
        d.stoppedByRun.push(name);
        d.notices.push({ at: event.at, level: 'warn', text: `${name} was running and went down with the host` });
      }
    }
    actionDone(d, 'done', `host back after ${formatDuration(event.at - (state.startedAt ?? event.at))}`, event.at);
  },
};
