import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { printable } from '../../display/printable.js';
import { EmptyAnswerNotice, emptyAnswerRows } from './EmptyAnswerNotice.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  options: { value: string; label: string }[];
  /** What Enter alone answers (the prompt model's); without one, nothing is highlighted at first. */
  defaultValue?: string;
  visible: number;
  onAnswer: (value: string) => void;
  isActive: boolean;
  width?: number;
  destructive?: boolean;
}

/**
 * One of a list: ↑↓ then Enter, or the option's number, as line mode takes it. The cursor starts on
 * the default; with no default (a forced power-off) it starts on nothing, so an
 * Enter alone asks again instead of choosing whatever happened to be on top.
 */
export function ChoicePrompt({ question, options, defaultValue, visible, onAnswer, isActive, width, destructive }: Props) {
  const ordered = options;
  const [cursor, setCursor] = useState(() => options.findIndex((option) => option.value === defaultValue));
  const [again, setAgain] = useState(false);
  useInput(
    (input, key) => {
      if (key.downArrow) setCursor((at) => Math.min(ordered.length - 1, at + 1));
      else if (key.upArrow) setCursor((at) => (at < 0 ? 0 : Math.max(0, at - 1)));
      else if (key.return) {
        const chosen = ordered[cursor];
        if (chosen) onAnswer(chosen.value);
        else setAgain(true);
      } else if (/^[1-9]$/.test(input)) {
        const chosen = options[Number(input) - 1];
        if (chosen) onAnswer(chosen.value);
      }
    },
    { isActive },
  );
  const rows = Math.max(1, visible - (again ? emptyAnswerRows('choice', width) : 0));
  const first = Math.max(0, Math.min(cursor - rows + 1, ordered.length - rows));
  return (
    <Box flexDirection="column">
      <Question question={question} tone={destructive ? 'red' : 'cyan'} width={width} />
      {again ? <EmptyAnswerNotice kind="choice" width={width} /> : null}
      {ordered.slice(first, first + rows).map((option, index) => {
        const focused = first + index === cursor;
        return (
          <Text key={option.value} wrap="truncate-end" color={focused && isActive ? 'blue' : undefined}>
            {focused ? '❯ ' : '  '}
            <Text dimColor>{first + index + 1}.</Text> {printable(option.label)}
          </Text>
        );
      })}
    </Box>
  );
}
