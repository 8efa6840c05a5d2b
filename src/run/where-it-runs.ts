// Where a step's command runs, said the same way by the console and line mode. A command with
// `on: host` goes over ssh to target.ssh; anything else runs on the operator's own machine, and
// the label names that machine so nobody mistakes it for the host being patched.
import { hostname } from 'node:os';
import { scopeFor, withParamDefaults } from '../engine/context.js';
import type { RunState } from '../engine/types.js';
import { kindOfStep } from '../kinds/registry.js';
import { currentMember } from '../rolling/cluster-runbook.js';

export function whereItRuns(state: RunState, on: 'local' | 'host' | undefined): string {
  // In a rolling, an on: host command goes to the member being patched.
  const member = state.rolling ? currentMember(state)?.ssh : undefined;
  if (on === 'host' && member) return `on ${member}`;
  const ssh = state.runbook.target?.ssh;
  if (on === 'host' && ssh) {
    try {
      return `on ${scopeFor(withParamDefaults(state)).text(ssh)}`;
    } catch {
      return `on ${ssh}`;
    }
  }
  // A rehearsal runs nothing anywhere: an on: host step without target.ssh is only shown.
  if (on === 'host' && state.options.rehearsal) return 'on the host (the runbook names no target.ssh)';
  return `on this machine (${hostname()})`;
}

/** The `on:` of a step that runs a command (run, wait), or undefined for other kinds. */
export function commandPlace(step: object): 'local' | 'host' | undefined {
  return kindOfStep(step)?.runsOn(step);
}
