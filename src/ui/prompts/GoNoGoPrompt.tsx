import { Box, useInput } from 'ink';
import { useState } from 'react';
import { EmptyAnswerNotice } from './EmptyAnswerNotice.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  hint: string;
  onAnswer: (value: string) => void;
  isActive: boolean;
  width?: number;
}

/** g goes, n is no-go; Enter alone decides nothing (the prompt model's rule for go/no-go). */
export function GoNoGoPrompt({ question, hint, onAnswer, isActive, width }: Props) {
  const [again, setAgain] = useState(false);
  useInput(
    (input, key) => {
      const first = input.charAt(0).toLowerCase();
      if (first === 'g') onAnswer('go');
      else if (first === 'n') onAnswer('no-go');
      else if (key.return || first === '\r') setAgain(true);
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Question question={question} hint={hint} tone="red" width={width} />
      {again ? <EmptyAnswerNotice kind="go-no-go" width={width} /> : null}
    </Box>
  );
}
