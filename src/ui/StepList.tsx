import { Box, Text } from 'ink';
import { STATUS_MARK } from '../display/status-marks.js';
import type { RunState } from '../engine/types.js';

interface Props {
  run: RunState;
  titles: string[];
  width: number;
  height: number;
}

/** The sidebar: every step with its status mark, scrolled to keep the current one in view. */
export function StepList({ run, titles, width, height }: Props) {
  const first = Math.max(0, Math.min(run.cursor - Math.floor(height / 2), run.steps.length - height));
  const visible = run.steps.slice(first, first + height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {visible.map((step, offset) => {
        const index = first + offset;
        const { mark, tone } = STATUS_MARK[step.status];
        const current = index === run.cursor && run.phase === 'steps';
        return (
          <Text key={step.id} wrap="truncate-end" bold={current} inverse={current} dimColor={step.status === 'pending' && !current}>
            <Text color={tone}>{mark}</Text> {titles[index]}
          </Text>
        );
      })}
    </Box>
  );
}
