// The run's VMs as step handlers read and change them: found by name through the index (never a
// scan per event), what this run stopped and snapshotted, and one way to turn the results of a VM
// action into the step's outcome.
import { current, isDraft } from 'immer';
import type { SelectorSpec } from '../runbook/schema-parts.js';
import { ask, done, failed, type Outcome } from './outcome.js';
import { missingNames, selectVms } from './select.js';
import { NO_MATCH_NAMES_SHOWN } from '../limits.js';
import type { RunState, StepState, Vm, VmOutcome, VmResult, VmState } from './types.js';
import { currentMember } from '../rolling/cluster-runbook.js';

export function indexVms(vms: readonly Vm[]): Record<string, number> {
  const index: Record<string, number> = Object.create(null);
  vms.forEach((vm, position) => (index[vm.name] = position));
  return Object.freeze(index);
}

/**
 * A value put whole into the run state, frozen (shallowly) on the way in. Immer walks every new
 * plain value it finds in a draft, looking for drafts inside it, unless the value is frozen: at
 * 5,000 VMs that walk, of the VM list, its index or a list of names, was most of an event's cost.
 * State is never written in place (Immer copies on write), so nothing misses the freeze.
 */
export function whole<T extends object>(value: T): T {
  return Object.freeze(value);
}

/** The host's VMs as listed: the list and its index by name. */
export function loadVms(run: RunState, vms: Vm[]): void {
  run.vms = whole(vms);
  run.vmIndex = indexVms(vms);
}

/** The VMs a step sees: in a rolling, those on the member being patched; otherwise all of them. */
export function vmsInScope(run: RunState): Vm[] {
  // Read without drafting: a selector that walks 5,000 VMs through Immer's proxies makes a draft of
  // each, and finalizing them stalled the console for a tenth of a second.
  const vms = run.vms === undefined ? [] : isDraft(run.vms) ? current(run.vms) : run.vms;
  const member = run.rolling ? currentMember(run) : undefined;
  return member ? vms.filter((vm) => vm.host === member.name) : vms;
}

export function vmNamed(run: RunState, name: string): Vm | undefined {
  const position = run.vmIndex?.[name];
  return position === undefined ? undefined : run.vms?.[position];
}

/** The provider reports states as they change; this settles the final one (and plays it in a dry run). */
export function setVmState(run: RunState, name: string, state: VmState): void {
  const vm = vmNamed(run, name);
  if (vm && vm.state !== state) vm.state = state;
}

/**
 * Adds VMs to what this run stopped, and marks them off. A batch takes one membership set and one
 * new VM list: a scan of the list per VM made the end of a 5,000-VM shutdown take seconds.
 */
export function markStopped(run: RunState, names: readonly string[]): void {
  const before = isDraft(run.stoppedByRun) ? current(run.stoppedByRun) : run.stoppedByRun;
  const added = new Set(names);
  for (const name of before) added.delete(name);
  if (added.size) run.stoppedByRun = whole([...before, ...added]);
  setVmStates(run, names, 'shut-off');
}

/** Many VMs to one state: one copy of the list, instead of a draft of each VM for Immer to finalize. */
export function setVmStates(run: RunState, names: readonly string[], state: VmState): void {
  if (!run.vms || names.length === 0) return;
  const vms = isDraft(run.vms) ? current(run.vms) : run.vms;
  let next: Vm[] | undefined;
  for (const name of names) {
    const position = run.vmIndex?.[name];
    const vm = position === undefined ? undefined : (next ?? vms)[position];
    if (position === undefined || !vm || vm.state === state) continue;
    next ??= vms.slice();
    next[position] = { ...vm, state };
  }
  if (next) run.vms = whole(next);
}

export function notice(run: RunState, at: number, text: string, level: 'info' | 'warn' = 'warn'): void {
  run.notices.push({ at, level, text });
}

/** Names of the VMs with a snapshot this run took and has not deleted. */
export function snapshottedByRun(run: RunState): string[] {
  return run.snapshots.filter((snapshot) => snapshot.state !== 'deleted').map((snapshot) => snapshot.vm);
}

/** The VMs a step's selector picks now, warning about listed names that are not on the host. */
export function selectForStep(run: RunState, stepId: string, selector: SelectorSpec, at: number): Vm[] {
  const vms = vmsInScope(run);
  for (const name of missingNames(vms, selector)) notice(run, at, `${stepId}: VM ${name} is not on this host`);
  if (Array.isArray(selector)) {
    for (const name of selector) if (vmNamed(run, name)?.system) notice(run, at, `${stepId}: VM ${name} is managed by the platform itself and is never selected`);
  }
  return selectVms(vms, selector, run.stoppedByRun, snapshottedByRun(run));
}

export function setOutcome(state: StepState, name: string, outcome: VmOutcome): void {
  state.vmOutcomes ??= {};
  state.vmOutcomes[name] = outcome;
}

export function outcomeSummary(state: StepState): string {
  const counts = new Map<VmOutcome, number>();
  for (const outcome of Object.values(state.vmOutcomes ?? {})) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
}

/**
 * The one place where the results of a VM action become the step's outcome, for every VM step:
 * each VM that did not make it (an error or a timeout) fails the step, so its on_failure policy
 * (ask, by default) decides; the step is never marked done with VMs left behind.
 */
export function settleVmResults(
  state: StepState,
  results: readonly VmResult[],
  succeeded: VmOutcome,
  timeoutText: string,
  onSuccess: (name: string) => void = () => {},
): Outcome {
  const problems: string[] = [];
  for (const result of results) {
    if (result.outcome === 'ok') {
      setOutcome(state, result.name, succeeded);
      onSuccess(result.name);
    } else {
      setOutcome(state, result.name, 'failed');
      problems.push(`${result.name}: ${result.outcome === 'timeout' ? timeoutText : (result.message ?? 'failed')}`);
    }
  }
  return problems.length ? failed(problems.join('; ')) : done(outcomeSummary(state));
}

/** Selectors that name what they want (a tag, a name pattern, a list), as opposed to a state. */
export function namesSomething(selector: SelectorSpec): boolean {
  return Array.isArray(selector) || selector.startsWith('tag:') || selector.startsWith('name:');
}

/**
 * A selector that names something and matches no VM is a typo until the operator says otherwise:
 * the run stops and asks, listing what the host has. It never passes silently as "nothing to do".
 */
export function noMatch(run: RunState, stepId: string, selector: SelectorSpec): Outcome {
  const vms = vmsInScope(run).filter((vm) => !vm.system);
  const tags = [...new Set(vms.flatMap((vm) => vm.tags))].sort();
  const shown = Array.isArray(selector) ? selector.join(', ') : selector;
  const names = vms.length > NO_MATCH_NAMES_SHOWN ? `${vms.slice(0, NO_MATCH_NAMES_SHOWN).map((vm) => vm.name).join(', ')} and ${vms.length - NO_MATCH_NAMES_SHOWN} more` : vms.map((vm) => vm.name).join(', ');
  return ask(
    {
      kind: 'choice',
      question: `Step ${stepId}: select "${shown}" matches no VM on this host. VMs: ${names || 'none'}. Tags: ${tags.join(', ') || 'none'}. What now?`,
      options: [
        { value: 'abort', label: 'Stop the run to fix the runbook' },
        { value: 'skip', label: 'Skip this step' },
      ],
      // --yes and dry runs stop here too: a typo must not pass as "nothing to do".
      yesAnswer: 'abort',
    },
    { purpose: 'no-match' },
  );
}
