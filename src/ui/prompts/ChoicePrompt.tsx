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
  // Select answers only when its value changes, so Enter on a preselected default would do
  // nothing: nothing is preselected, and the default is listed first, where the cursor starts.
  const ordered = defaultValue === undefined ? options : [...options.filter((option) => option.value === defaultValue), ...options.filter((option) => option.value !== defaultValue)];
  return (
    <Box flexDirection="column">
      <Question question={question} tone={destructive ? 'red' : 'cyan'} width={width} />
      <Select
        isDisabled={!isActive}
        visibleOptionCount={visible}
        options={ordered.map((option) => ({ value: option.value, label: printable(option.label) }))}
        onChange={onAnswer}
      />
    </Box>
  );
}
