import { MultiSelect } from '@inkjs/ui';
import { Box, useInput } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import { printable } from '../../display/printable.js';
import { tickedHint } from '../../display/prompt-text.js';
import { EmptyAnswerNotice, emptyAnswerRows } from './EmptyAnswerNotice.js';
import { Question } from './Question.js';

interface Props {
  question: string;
  options: string[];
  selected: string[];
  destructive: boolean;
  visible: number;
  /** The ticked VMs (y), or false for none of them (n), which stops the run. */
  onAnswer: (value: string[] | false) => void;
  /** Every change of the ticks, so the VM table's planned actions follow them. */
  onTicked?: (value: string[]) => void;
  /** The VM under the cursor, so the VM table can bring its row into view. */
  onCursor?: (name: string) => void;
  isActive: boolean;
  width?: number;
}

/**
 * Which VMs to act on: the running ones are ticked; Space changes a tick, y goes with the ticked
 * ones, n with none. As in line mode, an Enter alone decides nothing here: it asks again.
 */
export function SelectVmsPrompt({ question, options, selected, destructive, visible, onAnswer, onTicked, onCursor, isActive, width }: Props) {
  const [ticked, setTicked] = useState(selected.length);
  const [again, setAgain] = useState(false);
  const current = useRef(selected);
  // MultiSelect compares its options and calls onChange from an effect keyed on both: stable
  // values keep it from re-running on every frame.
  const items = useMemo(() => options.map((name) => ({ value: name, label: printable(name) })), [options]);
  const report = useRef(onTicked);
  report.current = onTicked;
  const onChange = useCallback((value: string[]) => {
    current.current = value;
    setTicked(value.length);
    report.current?.(value);
  }, []);
  // MultiSelect keeps its cursor to itself: follow it with the same keys and the same bounds
  // (from the first option, no wrapping) so the VM table can scroll with it.
  const cursor = useRef(0);
  useInput(
    (input, key) => {
      const first = input.charAt(0).toLowerCase();
      if (first === 'y' && input.length === 1) onAnswer(current.current);
      else if (first === 'n' && input.length === 1) onAnswer(false);
      if (!key.upArrow && !key.downArrow) return;
      const next = Math.max(0, Math.min(options.length - 1, cursor.current + (key.downArrow ? 1 : -1)));
      if (next === cursor.current) return;
      cursor.current = next;
      const name = options[next];
      if (name !== undefined) onCursor?.(name);
    },
    { isActive },
  );
  const hint = tickedHint(ticked, options.length);
  return (
    <Box flexDirection="column">
      <Question question={question} hint={hint} tone={destructive ? 'red' : 'cyan'} width={width} />
      {again ? <EmptyAnswerNotice kind="select-vms" width={width} /> : null}
      <MultiSelect
        isDisabled={!isActive}
        visibleOptionCount={Math.max(1, visible - (again ? emptyAnswerRows('select-vms', width) : 0))}
        defaultValue={selected}
        options={items}
        onChange={onChange}
        onSubmit={() => setAgain(true)}
      />
    </Box>
  );
}
