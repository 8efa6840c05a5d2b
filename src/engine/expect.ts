// A step's `expect`: in words, and, where it says something checkable (an exit code, an output
// pattern, VM states), compared with how the step ended. Guided mode (`--guided`) says the verdict.
import { GUIDED_NAMES_SHOWN } from '../limits.js';
import { matchesAnywhere } from '../runbook/safe-regex.js';
import type { ExpectSpec } from '../runbook/schema-parts.js';
import type { Step } from '../runbook/schema.js';
import { selectVms } from './select.js';
import type { RunState, StepState } from './types.js';

/** Names, at most GUIDED_NAMES_SHOWN of them, and how many more. */
export function someNames(names: string[]): string {
  const shown = names.slice(0, GUIDED_NAMES_SHOWN).join(', ');
  return names.length > GUIDED_NAMES_SHOWN ? `${shown} and ${names.length - GUIDED_NAMES_SHOWN} more` : shown;
}

/** The expect of a step in words: its text, and each check it makes. */
export function expectText(expect: ExpectSpec): string {
  if (expect === undefined) return '';
  if (typeof expect === 'string') return expect;
  const checks: string[] = [];
  if (expect.exit_code !== undefined) checks.push(`exit code ${expect.exit_code}`);
  if (expect.output !== undefined) checks.push(`output matches /${expect.output}/`);
  if (expect.vms) checks.push(`${Array.isArray(expect.vms.select) ? expect.vms.select.join(', ') : expect.vms.select} ${expect.vms.state}`);
  return [expect.text, checks.length ? `(checks: ${checks.join('; ')})` : undefined].filter(Boolean).join(' ');
}

/** The step needs its command's output to check `expect.output` (guided runs only). */
export function expectsOutput(run: Pick<RunState, 'options'>, step: { expect?: ExpectSpec }): boolean {
  return Boolean(run.options.guided && typeof step.expect === 'object' && step.expect.output);
}

/**
 * How the step's outcome compares with its `expect`, or undefined when there is nothing to check
 * (free text is only shown). `outputMatched` is what the engine saw of the command's output.
 */
export function compareExpect(run: RunState, step: Step, state: StepState): { met: boolean; text: string } | undefined {
  const expect = step.expect;
  if (typeof expect !== 'object') return undefined;
  const met: string[] = [];
  const missed: string[] = [];
  if (expect.exit_code !== undefined) {
    const got = state.exitCode;
    (got === expect.exit_code ? met : missed).push(`exit code ${got ?? 'none'}${got === expect.exit_code ? '' : `, expected ${expect.exit_code}`}`);
  }
  if (expect.output !== undefined) {
    (state.outputMatched ? met : missed).push(`output ${state.outputMatched ? 'matches' : 'does not match'} /${expect.output}/`);
  }
  if (expect.vms) {
    const chosen = selectVms(run.vms ?? [], expect.vms.select, run.stoppedByRun);
    const wrong = chosen.filter((vm) => vm.state !== expect.vms?.state).map((vm) => `${vm.name} is ${vm.state}`);
    if (wrong.length === 0) met.push(`${chosen.length} VM(s) ${expect.vms.state}`);
    else missed.push(`not ${expect.vms.state}: ${someNames(wrong)}`);
  }
  if (met.length === 0 && missed.length === 0) return undefined;
  const verdict = missed.length ? `not as expected: ${missed.join('; ')}` : 'as expected';
  return { met: missed.length === 0, text: `expect: ${verdict}${met.length && missed.length ? ` (met: ${met.join('; ')})` : met.length ? ` (${met.join('; ')})` : ''}` };
}

/** Whether a command's output has what `expect.output` looks for. */
export function outputMatches(step: Step, stdout: string | undefined): boolean | undefined {
  const expect = step.expect;
  if (typeof expect !== 'object' || expect.output === undefined) return undefined;
  return matchesAnywhere(expect.output, stdout ?? '');
}
