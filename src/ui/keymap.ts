// The one keymap. Views ask it which command a key means in their context; the footer and the
// help screen are generated from it, so they can never disagree with what the keys do.
import type { Key } from 'ink';

export type KeyCommand =
  | 'continue'
  | 'help'
  | 'quit'
  | 'interrupt'
  | 'lineUp'
  | 'lineDown'
  | 'pageUp'
  | 'pageDown'
  | 'follow'
  | 'search'
  | 'nextMatch'
  | 'previousMatch'
  | 'toggleVms'
  | 'close';

/**
 * Where the keyboard is. `typing` means a text field has the keys, so letters are text and only
 * keys that cannot be typed keep their meaning; `choosing` means a list has the arrows.
 */
export type KeyContext = 'browse' | 'typing' | 'choosing' | 'overlay' | 'finished';

interface Binding {
  command: KeyCommand;
  keys: string;
  hint: string;
  matches: (input: string, key: Key, context: KeyContext) => boolean;
  contexts: KeyContext[];
}

const ALL: KeyContext[] = ['browse', 'typing', 'choosing', 'overlay', 'finished'];

export const BINDINGS: Binding[] = [
  { command: 'continue', keys: 'Enter', hint: 'continue', matches: (_i, key) => key.return, contexts: ['browse', 'finished'] },
  { command: 'lineUp', keys: '↑', hint: 'scroll', matches: (_i, key) => key.upArrow, contexts: ['browse', 'finished'] },
  { command: 'lineDown', keys: '↓', hint: 'scroll', matches: (_i, key) => key.downArrow, contexts: ['browse', 'finished'] },
  // Paging and End work at every prompt, a text field's included: they cannot be typed.
  { command: 'pageUp', keys: 'PgUp', hint: 'page', matches: (_i, key) => key.pageUp, contexts: ALL },
  { command: 'pageDown', keys: 'PgDn', hint: 'page', matches: (_i, key) => key.pageDown, contexts: ALL },
  { command: 'follow', keys: 'End', hint: 'follow', matches: (input, key, context) => key.end || (input === 'G' && context !== 'typing' && context !== 'overlay'), contexts: ALL },
  { command: 'search', keys: '/', hint: 'search', matches: (input) => input === '/', contexts: ['browse', 'choosing', 'finished'] },
  { command: 'nextMatch', keys: 'n', hint: 'next/previous match', matches: (input) => input === 'n', contexts: ['browse', 'finished'] },
  { command: 'previousMatch', keys: 'N', hint: 'next/previous match', matches: (input) => input === 'N', contexts: ['browse', 'finished'] },
  { command: 'toggleVms', keys: 'v', hint: 'VMs', matches: (input) => input === 'v', contexts: ['browse', 'choosing', 'finished'] },
  { command: 'help', keys: '?', hint: 'help', matches: (input) => input === '?', contexts: ['browse', 'choosing', 'finished'] },
  { command: 'close', keys: 'Esc', hint: 'close', matches: (_i, key) => key.escape, contexts: ['overlay'] },
  { command: 'quit', keys: 'q', hint: 'quit', matches: (input) => input === 'q', contexts: ['browse', 'choosing', 'finished'] },
  // In a text field q is text: Esc asks the same quit question there.
  { command: 'quit', keys: 'Esc', hint: 'quit from a text field', matches: (_i, key) => key.escape, contexts: ['typing'] },
  { command: 'interrupt', keys: 'Ctrl-C', hint: 'quit', matches: (input, key) => key.ctrl && input === 'c', contexts: ALL },
];

export function commandFor(input: string, key: Key, context: KeyContext): KeyCommand | undefined {
  return BINDINGS.find((binding) => binding.contexts.includes(context) && binding.matches(input, key, context))?.command;
}

/** The footer's hints for a context: one per command, keys that share a hint folded together. */
export function hintsFor(context: KeyContext, hide: KeyCommand[] = []): { keys: string; hint: string }[] {
  const hints: { keys: string; hint: string }[] = [];
  for (const binding of BINDINGS) {
    if (!binding.contexts.includes(context) || hide.includes(binding.command) || binding.command === 'interrupt') continue;
    const same = hints.find((entry) => entry.hint === binding.hint);
    if (same) same.keys += same.keys.length === 1 && binding.keys.length === 1 ? binding.keys : `/${binding.keys}`;
    else hints.push({ keys: binding.keys, hint: binding.hint });
  }
  return hints;
}
