import { PasswordInput, TextInput } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { useState } from 'react';
import { matchesWhole } from '../../runbook/safe-regex.js';

interface Props {
  question: string;
  defaultValue?: string;
  pattern?: string;
  secret?: boolean;
  /** The exact text required (typed confirmation). */
  expected?: string;
  error?: string;
  onAnswer: (value: string) => void;
  isActive: boolean;
}

// RE2, linear in the answer: a runbook's pattern can never hang the console on what is typed.
const matches = (value: string, pattern: string): boolean => matchesWhole(pattern, value);

/** Free text, a masked secret, or the host name typed out before a reboot. */
export function TextPrompt({ question, defaultValue, pattern, secret, expected, error, onAnswer, isActive }: Props) {
  const [problem, setProblem] = useState(error);
  const [attempt, setAttempt] = useState(0);
  const submit = (raw: string) => {
    const value = raw === '' && defaultValue !== undefined ? defaultValue : raw.trim();
    if (expected !== undefined && value !== expected) {
      setProblem(value === '' ? `type ${expected} to go on, or q to quit` : `"${value}" is not ${expected}; type the host name exactly`);
      setAttempt((count) => count + 1);
      return;
    }
    if (pattern && !matches(value, pattern)) {
      setProblem(`${secret ? 'that value' : `"${value}"`} does not match ${pattern}`);
      setAttempt((count) => count + 1);
      return;
    }
    onAnswer(value);
  };
  // A pasted line arrives as one chunk with its newline inside: treat the newline as Enter.
  const onChange = (value: string) => {
    const cut = value.search(/[\r\n]/);
    if (cut >= 0) submit(value.slice(0, cut));
  };
  const hint = expected !== undefined ? ` (type ${expected})` : defaultValue !== undefined && !secret ? ` [${defaultValue}]` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={expected !== undefined ? 'red' : 'cyan'} bold>
          ?{' '}
        </Text>
        <Text bold>{question}</Text>
        <Text dimColor>{hint}</Text>
      </Text>
      <Box>
        <Text color="cyan">› </Text>
        {secret ? (
          <PasswordInput key={attempt} isDisabled={!isActive} onSubmit={submit} onChange={onChange} />
        ) : (
          <TextInput key={attempt} isDisabled={!isActive} onSubmit={submit} onChange={onChange} />
        )}
      </Box>
      {problem ? (
        <Text color="red" wrap="truncate-end">
          ✗ {problem}
        </Text>
      ) : null}
    </Box>
  );
}
