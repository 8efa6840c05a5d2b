// What a second operator is asked to approve, worked out by the engine (pure) when the run reaches
// a gated step: the step, the VMs it acts on, and every command it runs with templates expanded and
// secrets masked, exactly as the step will run it now.
import { scopeFor } from '../engine/context.js';
import { snapshottedByRun, vmNamed } from '../engine/run-vms.js';
import { selectVms } from '../engine/select.js';
import type { ApprovalRequest, Effect, RunState, Step } from '../engine/types.js';
import { kindOfStep } from '../kinds/registry.js';
import { APPROVAL_COMMANDS_LISTED, APPROVAL_SUMMARY_VMS } from '../limits.js';
import type { ApprovalPolicy } from './approval-policy.js';

function safely(make: () => string, fallback: string): string {
  try {
    return make();
  } catch {
    return fallback; // A template that cannot be filled yet is shown as written.
  }
}

function affectedVms(run: RunState, step: Step): string[] {
  const kind = kindOfStep(step);
  const items = run.steps[run.cursor]?.items;
  if (items) return items.map((item) => item.vm);
  const selector = kind?.selector(step);
  if (selector) return selectVms(run.vms ?? [], selector, run.stoppedByRun, snapshottedByRun(run)).map((vm) => vm.name);
  if (kind?.facts.restartsHost) return (run.vms ?? []).filter((vm) => vm.state === 'running').map((vm) => vm.name);
  return [];
}

function commandsOf(run: RunState, step: Step): string[] {
  const kind = kindOfStep(step);
  if (!kind?.runsOn(step)) return [];
  const items = run.steps[run.cursor]?.items;
  if (!items) return [safely(() => kind.describe(step, scopeFor(run)), String(kind.key))];
  const listed = items.slice(0, APPROVAL_COMMANDS_LISTED).map((item) => {
    const vm = vmNamed(run, item.vm);
    return `${item.vm}: ${safely(() => kind.describe(step, scopeFor(run, vm)), '(cannot be expanded)')}`;
  });
  const rest = items.length - listed.length;
  return rest > 0 ? [...listed, `… and ${rest} more, one per VM`] : listed;
}

export function approvalRequest(run: RunState, step: Step, policy: ApprovalPolicy): ApprovalRequest {
  const kind = kindOfStep(step);
  const scope = scopeFor(run);
  const title = safely(() => scope.text(step.title), step.title);
  const vms = affectedVms(run, step);
  const shown = vms.slice(0, APPROVAL_SUMMARY_VMS).join(', ');
  const more = vms.length > APPROVAL_SUMMARY_VMS ? ` and ${vms.length - APPROVAL_SUMMARY_VMS} more` : '';
  const commands = commandsOf(run, step);
  const what = !kind?.runsOn(step)
    ? safely(() => kind?.describe(step, scope) ?? '', '')
    : run.steps[run.cursor]?.items
      ? `runs a command once per VM (${commands.length} listed).`
      : `runs: ${commands[0] ?? ''}`;
  const summary = `step ${step.id} "${title}": ${what}${vms.length ? ` VMs (${vms.length}): ${shown}${more}.` : ''}`;
  return { step: step.id, title, summary, vms, commands, allowSameAccount: policy.allowSameAccount };
}

/** The name a request goes by in the run folder and on the command line: `<effect>-<step>`. */
export function approvalRequestId(effect: Extract<Effect, { type: 'approval' }>): string {
  return `${String(effect.id).padStart(3, '0')}-${effect.stepId}`;
}
