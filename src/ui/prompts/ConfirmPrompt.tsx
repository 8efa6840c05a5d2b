import { Box, Text, useInput } from 'ink';

interface Props {
  question: string;
  destructive: boolean;
  onAnswer: (value: boolean) => void;
  isActive: boolean;
}

/** y or n; anything else is ignored, and Enter means no: a destructive default is never yes. */
export function ConfirmPrompt({ question, destructive, onAnswer, isActive }: Props) {
  useInput(
    (input, key) => {
      const first = input.charAt(0).toLowerCase();
      if (first === 'y') onAnswer(true);
      else if (first === 'n' || key.return || first === '\r') onAnswer(false);
    },
    { isActive },
  );
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text color={destructive ? 'red' : 'cyan'} bold>
          ?{' '}
        </Text>
        <Text bold>{question}</Text> <Text dimColor>[y/N]</Text>
      </Text>
    </Box>
  );
}
