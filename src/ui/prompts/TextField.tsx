import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';

interface Props {
  isActive: boolean;
  secret?: boolean;
  onSubmit: (value: string) => void;
}

/** Control characters, DEL and C1: never part of an answer. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * A one-line text field that takes printable keys only. Ctrl and Alt chords, arrows, PgUp/PgDn,
 * End and Esc are left to the console's keymap instead of turning into letters in the answer.
 */
export function TextField({ isActive, secret, onSubmit }: Props) {
  const [value, setState] = useState('');
  // Keys can arrive faster than renders (a paste, a typed line then Enter): the latest value is
  // kept outside React so Enter submits everything typed before it.
  const latest = useRef('');
  const setValue = (next: string) => {
    latest.current = next;
    setState(next);
  };
  useInput(
    (input, key) => {
      if (key.return) {
        onSubmit(latest.current);
        return;
      }
      if (key.backspace || key.delete) {
        setValue([...latest.current].slice(0, -1).join(''));
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
      if (key.pageUp || key.pageDown || key.home || key.end) return;
      // A pasted line arrives as one chunk with its newline inside: the newline is Enter.
      const cut = input.search(/[\r\n]/);
      const text = (cut >= 0 ? input.slice(0, cut) : input).replace(CONTROL, '');
      if (cut >= 0) {
        onSubmit(latest.current + text);
        return;
      }
      if (text) setValue(latest.current + text);
    },
    { isActive },
  );
  const shown = secret ? '*'.repeat([...value].length) : value;
  return (
    <Text>
      {shown}
      {isActive ? <Text inverse> </Text> : null}
    </Text>
  );
}
