// One prompt model for both renderers: for each prompt, what an empty answer means, which answers
// are valid, what a wrong one gets, and how the operator asks to quit. Line mode reads typed lines
// through `interpretLine`; the console maps keys onto the same rules. At a prompt that destroys or
// declines (a VM set to shut down or migrate, a forced power-off, a reboot, a revert), an empty
// answer asks again: it never declines and never confirms.
import type { Prompt, PromptAnswer } from './types.js';

export type Reply =
  | { kind: 'answer'; value: PromptAnswer }
  | { kind: 'again'; message: string }
  /** The operator asked to quit: the renderer asks the quit question. */
  | { kind: 'quit' };

export interface PromptRules {
  /** What Enter alone answers; undefined when Enter alone asks again. */
  empty: PromptAnswer | undefined;
  /** The short hint after the question: [y/n], the default, the answers it takes. */
  hint: string;
  /** `q` on its own asks to quit (not where q could be the answer, as in a text field). */
  quitKey: boolean;
}

const YES = new Set(['y', 'yes']);
const NO = new Set(['n', 'no']);
const QUIT = new Set(['q', 'quit']);
const GO = new Set(['go', 'g']);
const NO_GO = new Set(['no-go', 'nogo', 'no go', 'n', 'no']);

export function rulesFor(prompt: Prompt): PromptRules {
  switch (prompt.kind) {
    case 'continue':
      return { empty: true, hint: 'Enter to go on', quitKey: true };
    case 'confirm':
      // "no" ends the run or skips the step: only an explicit answer decides.
      return { empty: undefined, hint: '[y/n]', quitKey: true };
    case 'type-to-confirm':
      // A line of just q can never be the host name typed in full (unless the host is called q).
      return { empty: undefined, hint: `type ${prompt.expected}`, quitKey: !QUIT.has(prompt.expected.toLowerCase()) };
    case 'input':
      return { empty: prompt.default, hint: prompt.default !== undefined && !prompt.secret ? `[${prompt.default}]` : '', quitKey: false };
    case 'choice': {
      const empty = prompt.destructive ? undefined : prompt.default;
      return { empty, hint: `1-${prompt.options.length} or a name${empty !== undefined ? ` [${empty}]` : ''}`, quitKey: !prompt.options.some((option) => QUIT.has(option.value)) };
    }
    case 'go-no-go':
      // Neither going on nor stopping may happen by a stray Enter.
      return { empty: undefined, hint: 'go or no-go', quitKey: true };
    case 'select-vms':
      return { empty: undefined, hint: 'y = these VMs, n = none of them (stops the run), or type the names to include', quitKey: true };
  }
}

/** What one typed line answers, by the prompt's rules. */
export function interpretLine(prompt: Prompt, line: string): Reply {
  const rules = rulesFor(prompt);
  const text = prompt.kind === 'input' || prompt.kind === 'type-to-confirm' ? line : line.trim();
  const word = text.trim().toLowerCase();
  if (rules.quitKey && QUIT.has(word)) return { kind: 'quit' };
  if (text.trim() === '' && prompt.kind !== 'input') {
    return rules.empty !== undefined ? { kind: 'answer', value: rules.empty } : { kind: 'again', message: emptyMessage(prompt) };
  }
  switch (prompt.kind) {
    case 'continue':
      return { kind: 'answer', value: true };
    case 'confirm':
      if (YES.has(word)) return { kind: 'answer', value: true };
      if (NO.has(word)) return { kind: 'answer', value: false };
      return { kind: 'again', message: 'answer y or n (q to quit)' };
    case 'type-to-confirm':
      return text.trim() === prompt.expected
        ? { kind: 'answer', value: prompt.expected }
        : { kind: 'again', message: `"${text.trim()}" is not ${prompt.expected}; type it exactly (q to quit)` };
    case 'input': {
      const value = text.trim();
      if (value === '' && prompt.default !== undefined) return { kind: 'answer', value: prompt.default };
      return { kind: 'answer', value };
    }
    case 'choice': {
      const byNumber = /^\d+$/.test(word) ? prompt.options[Number(word) - 1] : undefined;
      const byName = prompt.options.find((option) => option.value.toLowerCase() === word);
      const chosen = byNumber ?? byName;
      return chosen ? { kind: 'answer', value: chosen.value } : { kind: 'again', message: `"${text}" is not one of the choices` };
    }
    case 'go-no-go':
      if (GO.has(word)) return { kind: 'answer', value: 'go' };
      if (NO_GO.has(word)) return { kind: 'answer', value: 'no-go' };
      return { kind: 'again', message: 'answer go or no-go (q to quit)' };
    case 'select-vms': {
      if (YES.has(word)) return { kind: 'answer', value: prompt.selected };
      if (NO.has(word)) return { kind: 'answer', value: false };
      const names = text.split(/[\s,]+/).filter(Boolean);
      const offered = new Set(prompt.options);
      const unknown = names.filter((name) => !offered.has(name));
      return unknown.length === 0 ? { kind: 'answer', value: names } : { kind: 'again', message: `not offered here: ${unknown.join(', ')}` };
    }
  }
}

function emptyMessage(prompt: Prompt): string {
  switch (prompt.kind) {
    case 'confirm':
      return 'an empty answer decides nothing here: answer y or n (q to quit)';
    case 'type-to-confirm':
      return `an empty answer decides nothing here: type ${prompt.expected} (q to quit)`;
    case 'go-no-go':
      return 'an empty answer decides nothing here: answer go or no-go (q to quit)';
    case 'select-vms':
      return 'an empty answer decides nothing here: y for these VMs, n for none, or their names (q to quit)';
    default:
      return 'choose one of the answers (q to quit)';
  }
}

/** The quit question: its answers, with the one that keeps the run resumable as the default. */
export const QUIT_CHOICES = {
  leave: 'Leave the run interrupted, to resume later',
  restore: 'Start the VMs this run stopped, then end',
  end: 'End now and leave them as they are',
  back: 'Go back to the run',
} as const;
export type QuitChoice = keyof typeof QUIT_CHOICES;

/** `lead` says why the question comes up when the operator did not ask to quit (a no that ends the run). */
export function quitQuestion(stoppedNames: readonly string[], lead = ''): Extract<Prompt, { kind: 'choice' }> {
  const stake = stoppedNames.length ? `${stoppedNames.join(', ')} ${stoppedNames.length === 1 ? 'is' : 'are'} off because of this run. ` : '';
  const options = (Object.keys(QUIT_CHOICES) as QuitChoice[])
    .filter((choice) => choice !== 'restore' || stoppedNames.length > 0)
    .map((value) => ({ value, label: QUIT_CHOICES[value] }));
  return { kind: 'choice', question: `${lead}${stake}Quit?`, options, default: 'leave' };
}
