import { Box, Text } from 'ink';
import { useState } from 'react';
import { printable } from '../../display/printable.js';
import { Question } from './Question.js';
import { TextField } from './TextField.js';
import { matchesWhole } from '../../runbook/safe-regex.js';

interface Props {
  question: string;
  /** Valid answers, from the display model: `[kvm01]`, `(type kvm01)`. */
  hint?: string;
  defaultValue?: string;
  pattern?: string;
  secret?: boolean;
  /** The exact text required (typed confirmation). */
  expected?: string;
  error?: string;
  onAnswer: (value: string) => void;
  /** Whether a submitted line asks to quit, by the prompt model (q at the typed host name). */
  isQuit?: (line: string) => boolean;
  onQuit?: () => void;
  isActive: boolean;
  width?: number;
}

// RE2, linear in the answer: a runbook's pattern can never hang the console on what is typed.
const matches = (value: string, pattern: string): boolean => matchesWhole(pattern, value);

/** Free text, a masked secret, or the host name typed out before a reboot. */
export function TextPrompt({ question, hint, defaultValue, pattern, secret, expected, error, onAnswer, isQuit, onQuit, isActive, width }: Props) {
  const [problem, setProblem] = useState(error);
  const [attempt, setAttempt] = useState(0);
  const submit = (raw: string) => {
    if (onQuit && isQuit?.(raw)) {
      // The field is emptied: back from the quit question, the host name is typed afresh.
      setAttempt((count) => count + 1);
      onQuit();
      return;
    }
    const value = raw === '' && defaultValue !== undefined ? defaultValue : raw.trim();
    if (expected !== undefined && value !== expected) {
      setProblem(value === '' ? `type ${expected} to go on` : `"${printable(value)}" is not ${expected}; type the host name exactly`);
      setAttempt((count) => count + 1);
      return;
    }
    if (pattern && !matches(value, pattern)) {
      setProblem(`${secret ? 'that value' : `"${printable(value)}"`} does not match ${pattern}`);
      setAttempt((count) => count + 1);
      return;
    }
    onAnswer(value);
  };
  const shownHint = hint ?? (expected !== undefined ? `(type ${expected})` : defaultValue !== undefined && !secret ? `[${defaultValue}]` : '');
  return (
    <Box flexDirection="column">
      <Question question={question} hint={shownHint} tone={expected !== undefined ? 'red' : 'cyan'} width={width} />
      <Box>
        <Text color="cyan">› </Text>
        <TextField key={attempt} isActive={isActive} secret={secret} onSubmit={submit} />
      </Box>
      {problem ? (
        <Text color="red" wrap="wrap">
          ✗ {problem}
        </Text>
      ) : null}
    </Box>
  );
}
