// What a prompt says, in both renderers: the question (long name lists summarised with a count),
// the hint of valid answers, and whether the default is shown. What the answers mean stays with
// each prompt's handling; the words an operator reads are decided here once.
import { rulesFor } from '../engine/prompt-model.js';
import type { Prompt, PromptAnswer } from '../engine/types.js';
import { PROMPT_LIST_MAX } from '../limits.js';
import { printable } from './printable.js';

/** A run of at least three comma-separated names, as the engine writes VM lists into questions. */
const NAME_LIST = /[^\s,:]+(?:, [^\s,:]+){2,}/g;

/** Long comma-separated lists of names cut to the first few and a count of the rest. */
export function summariseLists(text: string, max = PROMPT_LIST_MAX): string {
  return text.replace(NAME_LIST, (list) => {
    const names = list.split(', ');
    // A sentence's trailing full stop belongs to the sentence, not the last name.
    const last = names.at(-1) ?? '';
    const stop = last.endsWith('.') ? '.' : '';
    if (stop) names[names.length - 1] = last.slice(0, -1);
    if (names.length <= max) return list;
    return `${names.slice(0, max).join(', ')} and ${names.length - max} more${stop}`;
  });
}

export function listText(names: readonly string[], max = PROMPT_LIST_MAX): string {
  const shown = names.slice(0, max).map(printable).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export interface PromptText {
  /** The question, safe to draw, long lists summarised. Never truncated: it wraps. */
  question: string;
  /** Valid answers, shown after the question: `[y/N]`, `[kvm01]`, `(type kvm01)`. */
  hint: string;
  /** Shown in red: the answer changes or ends something. */
  destructive: boolean;
  /** The last answer's problem, to show under the question. */
  error?: string;
  /** What Enter alone answers, from the prompt model; undefined when Enter alone asks again. */
  empty: PromptAnswer | undefined;
}

/** A y/n question outside the prompt model whose safe answer is no (end the running command?). */
export const CONFIRM_DEFAULT_NO_HINT = '[y/N]';

export function promptText(prompt: Prompt): PromptText {
  const question = summariseLists(printable(prompt.question));
  const error = 'error' in prompt && prompt.error ? printable(prompt.error) : undefined;
  // What Enter means is the prompt model's; the words around it are decided here.
  const { empty } = rulesFor(prompt);
  switch (prompt.kind) {
    case 'continue':
      return { question, hint: '', destructive: false, empty };
    case 'confirm':
      return { question, hint: empty === undefined ? '[y/n]' : empty ? '[Y/n]' : '[y/N]', destructive: prompt.destructive, empty };
    case 'input':
      // A secret's default is never shown; nor is a default that is not there.
      return { question, hint: prompt.default !== undefined && !prompt.secret ? `[${printable(prompt.default)}]` : '', destructive: false, error, empty };
    case 'type-to-confirm':
      return { question, hint: `(type ${printable(prompt.expected)})`, destructive: true, error, empty };
    case 'choice':
      return { question, hint: typeof empty === 'string' ? `[${printable(empty)}]` : '', destructive: prompt.destructive ?? false, empty };
    case 'go-no-go':
      return { question, hint: '(go / no-go)', destructive: true, empty };
    case 'select-vms':
      // The console adds the live count of ticks (tickedHint); line mode takes names instead.
      return { question, hint: '', destructive: prompt.destructive, empty };
  }
}

/** The question and its hint as one line of text, for wrapping and for line mode. */
export function promptLine(prompt: Prompt): string {
  const { question, hint } = promptText(prompt);
  return hint ? `${question} ${hint}` : question;
}

/** The console's VM list: how many of those offered are ticked right now. */
export function tickedHint(ticked: number, offered: number): string {
  return `(${ticked} of ${offered} ticked)`;
}
