import { MultiSelect } from '@inkjs/ui';
import { Box } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import { printable } from '../../display/printable.js';
import { tickedHint } from '../../display/prompt-text.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  options: string[];
  selected: string[];
  destructive: boolean;
  visible: number;
  onAnswer: (value: string[]) => void;
  /** Every change of the ticks, so the VM table's planned actions follow them. */
  onTicked?: (value: string[]) => void;
  isActive: boolean;
  width?: number;
}

/** Which VMs to act on: the running ones are ticked; Space changes a tick, Enter goes. */
export function SelectVmsPrompt({ question, options, selected, destructive, visible, onAnswer, onTicked, isActive, width }: Props) {
  const [ticked, setTicked] = useState(selected.length);
  // MultiSelect compares its options and calls onChange from an effect keyed on both: stable
  // values keep it from re-running on every frame.
  const items = useMemo(() => options.map((name) => ({ value: name, label: printable(name) })), [options]);
  const report = useRef(onTicked);
  report.current = onTicked;
  const onChange = useCallback((value: string[]) => {
    setTicked(value.length);
    report.current?.(value);
  }, []);
  return (
    <Box flexDirection="column">
      <Question question={question} hint={tickedHint(ticked, options.length)} tone={destructive ? 'red' : 'cyan'} width={width} />
      <MultiSelect isDisabled={!isActive} visibleOptionCount={visible} defaultValue={selected} options={items} onChange={onChange} onSubmit={onAnswer} />
    </Box>
  );
}
