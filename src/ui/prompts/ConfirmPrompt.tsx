import { Box, useInput } from 'ink';
import { useState } from 'react';
import { EmptyAnswerNotice } from './EmptyAnswerNotice.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  destructive: boolean;
  onAnswer: (value: boolean) => void;
  isActive: boolean;
  width?: number;
  /** What Enter alone answers (the prompt model's); without one, Enter asks again. */
  emptyAnswer?: boolean;
  hint?: string;
}

/** y or n; anything else is ignored. Enter alone decides only where the prompt model says it may. */
export function ConfirmPrompt({ question, destructive, onAnswer, isActive, width, emptyAnswer, hint }: Props) {
  const [again, setAgain] = useState(false);
  useInput(
    (input, key) => {
      const first = input.charAt(0).toLowerCase();
      if (first === 'y') onAnswer(true);
      else if (first === 'n') onAnswer(false);
      else if (key.return || first === '\r') {
        if (emptyAnswer === undefined) setAgain(true);
        else onAnswer(emptyAnswer);
      }
    },
    { isActive },
  );
  const shown = hint ?? (emptyAnswer === undefined ? '[y/n]' : emptyAnswer ? '[Y/n]' : '[y/N]');
  return (
    <Box flexDirection="column">
      <Question question={question} hint={shown} tone={destructive ? 'red' : 'cyan'} width={width} />
      {again ? <EmptyAnswerNotice kind="confirm" width={width} /> : null}
    </Box>
  );
}
