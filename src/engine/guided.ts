// Guided mode (`--guided`, for trainees): before a step, what it will do and to which VMs, in plain
// words. Pure: it reads the run state and returns text, and the engine decides when to say it.
import { kindOfStep } from '../kinds/registry.js';
import type { Step } from '../runbook/schema.js';
import type { Scope } from './context.js';
import { someNames } from './expect.js';
import { selectVms } from './select.js';
import type { RunState } from './types.js';

/** What the step will do, and to which VMs: lines shown before a guided step waits for Enter. */
export function briefing(run: RunState, step: Step, scope: Scope): string[] {
  const kind = kindOfStep(step);
  if (!kind) return [];
  const lines: string[] = [];
  let does: string;
  try {
    does = kind.describe(step, scope);
  } catch {
    does = step.title; // A template that needs a VM or a later value: the title says enough.
  }
  const where = kind.runsOn(step);
  // A note is shown in full already.
  if (!kind.spec.text) lines.push(`guided: this step ${where ? `runs ${where === 'host' ? 'on the host' : 'on this machine'}: ${does}` : `does: ${does}`}`);
  const vms = run.vms ?? [];
  if (step.each_vm) {
    const names = selectVms(vms, step.each_vm, run.stoppedByRun).map((vm) => vm.name);
    lines.push(`guided: once for each of ${names.length} VM(s): ${someNames(names) || 'none'}`);
  }
  const selector = kind.selector(step);
  if (selector && kind.spec.plan) {
    const byAction = new Map<string, string[]>();
    for (const vm of selectVms(vms, selector, run.stoppedByRun)) {
      const action = kind.plan(step, vm);
      if (action) byAction.set(action, [...(byAction.get(action) ?? []), vm.name]);
    }
    if (byAction.size === 0) lines.push('guided: no VM is in a state this step changes');
    for (const [action, names] of byAction) lines.push(`guided: ${action}: ${someNames(names)} (${names.length} VM(s))`);
  } else if (kind.facts.restartsHost) {
    const running = vms.filter((vm) => vm.state === 'running').map((vm) => vm.name);
    lines.push(`guided: the host goes down${running.length ? `, and with it the VMs still running: ${someNames(running)}` : ''}`);
  }
  return lines;
}
