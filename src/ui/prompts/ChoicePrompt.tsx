import { Select } from '@inkjs/ui';
import { Box } from 'ink';
import { printable } from '../../display/printable.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  visible: number;
  onAnswer: (value: string) => void;
  isActive: boolean;
  width?: number;
  destructive?: boolean;
}

export function ChoicePrompt({ question, options, defaultValue, visible, onAnswer, isActive, width, destructive }: Props) {
  return (
    <Box flexDirection="column">
      <Question question={question} tone={destructive ? 'red' : 'cyan'} width={width} />
      <Select
        isDisabled={!isActive}
        visibleOptionCount={visible}
        defaultValue={defaultValue}
        options={options.map((option) => ({ value: option.value, label: printable(option.label) }))}
        onChange={onAnswer}
      />
    </Box>
  );
}
