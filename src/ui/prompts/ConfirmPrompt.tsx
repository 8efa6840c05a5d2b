import { useInput } from 'ink';
import { CONFIRM_HINT } from '../../display/prompt-text.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  destructive: boolean;
  onAnswer: (value: boolean) => void;
  isActive: boolean;
  width?: number;
}

/** y or n; anything else is ignored, and Enter means no: a destructive default is never yes. */
export function ConfirmPrompt({ question, destructive, onAnswer, isActive, width }: Props) {
  useInput(
    (input, key) => {
      const first = input.charAt(0).toLowerCase();
      if (first === 'y') onAnswer(true);
      else if (first === 'n' || key.return || first === '\r') onAnswer(false);
    },
    { isActive },
  );
  return <Question question={question} hint={CONFIRM_HINT} tone={destructive ? 'red' : 'cyan'} width={width} />;
}
