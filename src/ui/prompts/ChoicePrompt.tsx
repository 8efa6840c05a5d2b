import { Select } from '@inkjs/ui';
import { Box, Text } from 'ink';

interface Props {
  question: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  visible: number;
  onAnswer: (value: string) => void;
  isActive: boolean;
}

export function ChoicePrompt({ question, options, defaultValue, visible, onAnswer, isActive }: Props) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        <Text color="cyan">? </Text>
        {question}
      </Text>
      <Select
        isDisabled={!isActive}
        visibleOptionCount={visible}
        defaultValue={defaultValue}
        options={options.map((option) => ({ value: option.value, label: option.label === option.value ? option.label : `${option.label}` }))}
        onChange={onAnswer}
      />
    </Box>
  );
}
