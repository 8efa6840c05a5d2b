import { MultiSelect } from '@inkjs/ui';
import { Box, Text } from 'ink';

interface Props {
  question: string;
  options: string[];
  selected: string[];
  destructive: boolean;
  visible: number;
  onAnswer: (value: string[]) => void;
  isActive: boolean;
}

/** Which VMs to act on: the running ones are ticked; Space changes a tick, Enter goes. */
export function SelectVmsPrompt({ question, options, selected, destructive, visible, onAnswer, isActive }: Props) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        <Text color={destructive ? 'red' : 'cyan'}>? </Text>
        {question} <Text dimColor>({options.length} offered)</Text>
      </Text>
      <MultiSelect
        isDisabled={!isActive}
        visibleOptionCount={visible}
        defaultValue={selected}
        options={options.map((name) => ({ value: name, label: name }))}
        onSubmit={onAnswer}
      />
    </Box>
  );
}
