import { Box, Text } from 'ink';
import { elapsed } from '../display/durations.js';
import { stepDetail, stepTitle } from '../display/step-text.js';
import { wrapText } from '../display/wrap.js';
import type { RunState } from '../engine/types.js';
import { useClock } from './hooks/use-clock.js';

function labelled(label: string | undefined, body: string): string {
  return label ? `${label}: ${body}` : body;
}

/** Rows the step's title and explanation take at this width, wrapped. */
export function stepDetailHeight(run: RunState, index: number, width: number): number {
  return 1 + stepDetail(run, index).reduce((sum, line) => sum + wrapText(labelled(line.label, line.body), width).length, 0);
}

/** A running step's time so far, ticking once a second; a clock of its own so only it redraws. */
function Elapsed({ run, index }: { run: RunState; index: number }) {
  const now = useClock();
  const text = elapsed(run.steps[index], now);
  return text ? <Text color="cyan"> · {text}</Text> : null;
}

interface Props {
  run: RunState;
  index: number;
  width: number;
  height: number;
}

/** The current step: its title, and for the operator (and the trainee) what it is for. */
export function StepDetail({ run, index, width, height }: Props) {
  const state = run.steps[index];
  if (!state) return <Box height={height} />;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate-end">
        {stepTitle(run, index)} <Text dimColor>({state.kind})</Text>
        {state.status === 'running' ? <Elapsed run={run} index={index} /> : null}
      </Text>
      {stepDetail(run, index).flatMap((line, offset) =>
        wrapText(labelled(line.label, line.body), width).map((row, part) => {
          const label = part === 0 && line.label ? `${line.label}: ` : '';
          return (
            <Text key={`${offset}-${part}`} wrap="truncate-end">
              {label ? <Text color={line.tone}>{label}</Text> : null}
              {label ? row.slice(label.length) : row}
            </Text>
          );
        }),
      )}
    </Box>
  );
}
