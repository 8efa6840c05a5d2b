// Steps that change VM power: shutdown (with the forced power-off decision), start and migrate.
import { mustParseDuration } from '../../runbook/duration.js';
import type { StepOf } from '../../runbook/schema.js';
import { abortRun, actionDone, actionFailed, currentStepState, setEffect } from '../engine.js';
import { ask } from '../prompts.js';
import { missingNames, selectVms, startOrder } from '../select.js';
import type { RunState, StepState, VmOutcome, VmResult, VmState } from '../types.js';
import { ignore, type StepHandler } from './handler.js';

export const DEFAULT_SHUTDOWN_TIMEOUT = '5m';
export const DEFAULT_START_TIMEOUT = '5m';
export const DEFAULT_MIGRATE_TIMEOUT = '30m';
export const DEFAULT_SHUTDOWN_CONCURRENCY = 4;

function warnMissing(d: RunState, stepId: string, selector: StepOf<'shutdown'>['shutdown']['select'], at: number): void {
  for (const name of missingNames(d.vms ?? [], selector ?? 'all')) {
    d.notices.push({ at, level: 'warn', text: `${stepId}: VM ${name} is not on this host` });
  }
}

function setOutcome(state: StepState, name: string, outcome: VmOutcome): void {
  state.vmOutcomes = { ...state.vmOutcomes, [name]: outcome };
}

function markStopped(d: RunState, name: string): void {
  if (!d.stoppedByRun.includes(name)) d.stoppedByRun.push(name);
  setVmState(d, name, 'shut-off');
}

/** The provider reports states as they change; this settles the final one (and plays it in a dry run). */
function setVmState(d: RunState, name: string, state: VmState): void {
  const vm = d.vms?.find((candidate) => candidate.name === name);
  if (vm) vm.state = state;
}

function outcomeSummary(state: StepState): string {
  const counts = new Map<VmOutcome, number>();
  for (const outcome of Object.values(state.vmOutcomes ?? {})) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
}

function finishVmStep(d: RunState, step: Parameters<StepHandler['start']>[1], results: VmResult[], at: number): void {
  const state = currentStepState(d);
  const errors = results.filter((result) => result.outcome === 'error');
  if (errors.length > 0) {
    actionFailed(d, step, errors.map((error) => `${error.name}: ${error.message ?? 'failed'}`).join('; '), undefined, at);
    return;
  }
  actionDone(d, 'done', outcomeSummary(state), at);
}

// shutdown ------------------------------------------------------------------------------------

function shutdownSpec(step: unknown) {
  return (step as StepOf<'shutdown'>).shutdown;
}

function nextTimedOut(d: RunState, step: Parameters<StepHandler['start']>[1], at: number): void {
  const state = currentStepState(d);
  const spec = shutdownSpec(step);
  const name = state.vmQueue?.[0];
  if (!name) {
    const failed = Object.entries(state.vmOutcomes ?? {}).filter(([, outcome]) => outcome === 'failed');
    finishVmStep(d, step, failed.map(([vm]) => ({ name: vm, outcome: 'error', message: 'did not stop' })), at);
    return;
  }
  const timeout = spec.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT;
  const then = spec.then ?? 'ask';
  if (then === 'force') {
    state.vmQueue = state.vmQueue?.slice(1);
    setEffect(d, { type: 'vm-power', stepId: step.id, action: 'poweroff', vms: [name], timeoutMs: mustParseDuration(timeout), concurrency: 1 });
  } else if (then === 'skip') {
    state.vmQueue = state.vmQueue?.slice(1);
    setOutcome(state, name, 'left-running');
    d.notices.push({ at, level: 'warn', text: `${name} did not shut down within ${timeout} and was left running` });
    nextTimedOut(d, step, at);
  } else if (then === 'abort') {
    state.vmQueue = [];
    actionFailed(d, step, `${name} did not shut down within ${timeout}`, undefined, at);
  } else {
    ask(
      d,
      step.id,
      {
        kind: 'choice',
        question: `${name} did not shut down within ${timeout}. What now?`,
        options: [
          { value: 'force', label: 'Force power-off (like pulling the plug)' },
          { value: 'wait', label: `Wait another ${timeout}` },
          { value: 'skip', label: 'Leave it running' },
        ],
        yesAnswer: 'force',
        destructive: true,
      },
      { purpose: 'vm-timeout', vm: name },
      at,
    );
  }
}

export const shutdown: StepHandler = {
  start(d, step, at) {
    const spec = shutdownSpec(step);
    const state = currentStepState(d);
    state.vmQueue = [];
    warnMissing(d, step.id, spec.select, at);
    const candidates = selectVms(d.vms ?? [], spec.select ?? 'running', d.stoppedByRun).filter(
      (vm) => vm.state === 'running' || vm.state === 'paused',
    );
    if (candidates.length === 0) {
      actionDone(d, 'done', 'no running VMs selected', at);
      return;
    }
    const force = spec.mode === 'force';
    const names = candidates.map((vm) => vm.name);
    const how = force ? 'Force power-off' : `Shut down (graceful, up to ${spec.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT} each)`;
    ask(
      d,
      step.id,
      { kind: 'select-vms', question: `${how}: ${names.length} VM(s)`, options: names, selected: names, destructive: force },
      { purpose: 'step' },
      at,
    );
  },
  answer(d, step, awaiting, value, at) {
    const spec = shutdownSpec(step);
    const state = currentStepState(d);
    if (awaiting.purpose === 'vm-timeout') {
      const timeoutMs = mustParseDuration(spec.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT);
      state.vmQueue = state.vmQueue?.filter((name) => name !== awaiting.vm);
      if (value === 'force') {
        setEffect(d, { type: 'vm-power', stepId: step.id, action: 'poweroff', vms: [awaiting.vm], timeoutMs, concurrency: 1 });
      } else if (value === 'wait') {
        setEffect(d, { type: 'vm-power', stepId: step.id, action: 'shutdown', vms: [awaiting.vm], timeoutMs, concurrency: 1 });
      } else {
        setOutcome(state, awaiting.vm, 'left-running');
        nextTimedOut(d, step, at);
      }
      return;
    }
    if (value === false) {
      abortRun(d, `operator declined the shutdown at step ${step.id}`, at);
      return;
    }
    const names = Array.isArray(value) ? value : [];
    if (names.length === 0) {
      actionDone(d, 'skipped', 'operator selected no VMs', at);
      return;
    }
    const action = spec.mode === 'force' ? 'poweroff' : 'shutdown';
    const timeoutMs = mustParseDuration(spec.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT);
    const concurrency = spec.concurrency ?? DEFAULT_SHUTDOWN_CONCURRENCY;
    setEffect(d, { type: 'vm-power', stepId: step.id, action, vms: names, timeoutMs, concurrency });
  },
  resume(d, step, event, effect) {
    if (event.type !== 'vm-power-done' || effect.type !== 'vm-power') return;
    const state = currentStepState(d);
    for (const result of event.results) {
      if (result.outcome === 'ok') {
        setOutcome(state, result.name, effect.action === 'poweroff' ? 'forced' : 'stopped');
        markStopped(d, result.name);
      } else if (result.outcome === 'timeout' && effect.action === 'shutdown') {
        setOutcome(state, result.name, 'timed-out');
        state.vmQueue = [...(state.vmQueue ?? []), result.name];
      } else {
        setOutcome(state, result.name, 'failed');
        d.notices.push({ at: event.at, level: 'warn', text: `${result.name}: ${result.message ?? result.outcome}` });
      }
    }
    nextTimedOut(d, step, event.at);
  },
};

// start ---------------------------------------------------------------------------------------

export const start: StepHandler = {
  start(d, step, at) {
    const spec = (step as StepOf<'start'>).start;
    const state = currentStepState(d);
    warnMissing(d, step.id, spec.select, at);
    const selected = selectVms(d.vms ?? [], spec.select ?? 'stopped-by-this-run', d.stoppedByRun);
    for (const vm of selected.filter((candidate) => candidate.state === 'running')) setOutcome(state, vm.name, 'already running');
    const toStart = startOrder(
      selected.filter((vm) => vm.state === 'shut-off' || vm.state === 'paused'),
      spec.order,
    );
    if (toStart.length === 0) {
      actionDone(d, 'done', selected.length ? 'all selected VMs are already running' : 'no VMs to start', at);
      return;
    }
    const timeoutMs = mustParseDuration(spec.timeout ?? DEFAULT_START_TIMEOUT);
    setEffect(d, { type: 'vm-power', stepId: step.id, action: 'start', vms: toStart.map((vm) => vm.name), timeoutMs, concurrency: 1 });
  },
  resume(d, step, event) {
    if (event.type !== 'vm-power-done') return;
    const state = currentStepState(d);
    for (const result of event.results) {
      setOutcome(state, result.name, result.outcome === 'ok' ? 'started' : 'failed');
      if (result.outcome === 'ok') setVmState(d, result.name, 'running');
    }
    finishVmStep(d, step, event.results.map((result) => (result.outcome === 'timeout' ? { ...result, outcome: 'error', message: 'did not start in time' } : result)), event.at);
  },
  answer: ignore,
};

// migrate -------------------------------------------------------------------------------------

export const migrate: StepHandler = {
  start(d, step, at) {
    const spec = (step as StepOf<'migrate'>).migrate;
    warnMissing(d, step.id, spec.select, at);
    const names = selectVms(d.vms ?? [], spec.select ?? 'running', d.stoppedByRun)
      .filter((vm) => vm.state === 'running')
      .map((vm) => vm.name);
    if (names.length === 0) {
      actionDone(d, 'done', 'no running VMs selected', at);
      return;
    }
    ask(
      d,
      step.id,
      { kind: 'select-vms', question: `Live-migrate to ${spec.to}: ${names.length} VM(s)`, options: names, selected: names, destructive: false },
      { purpose: 'step' },
      at,
    );
  },
  answer(d, step, _awaiting, value, at) {
    const spec = (step as StepOf<'migrate'>).migrate;
    if (value === false) {
      abortRun(d, `operator declined the migration at step ${step.id}`, at);
      return;
    }
    const names = Array.isArray(value) ? value : [];
    if (names.length === 0) {
      actionDone(d, 'skipped', 'operator selected no VMs', at);
      return;
    }
    const timeoutMs = mustParseDuration(spec.timeout ?? DEFAULT_MIGRATE_TIMEOUT);
    setEffect(d, { type: 'vm-power', stepId: step.id, action: 'migrate', vms: names, timeoutMs, concurrency: 1, to: spec.to });
  },
  resume(d, step, event) {
    if (event.type !== 'vm-power-done') return;
    const state = currentStepState(d);
    for (const result of event.results) {
      setOutcome(state, result.name, result.outcome === 'ok' ? 'migrated' : 'failed');
      if (result.outcome === 'ok') setVmState(d, result.name, 'migrated');
    }
    finishVmStep(d, step, event.results, event.at);
  },
};
