import { Box, Text } from 'ink';
import { scopeFor } from '../engine/context.js';
import type { RunState } from '../engine/types.js';
import { commandPlace, whereItRuns } from '../run/where-it-runs.js';

interface DetailLine {
  label?: string;
  body: string;
  color?: string;
}

function text(run: RunState, template: string): string {
  try {
    return scopeFor(run).text(template).trim();
  } catch {
    return template.trim();
  }
}

function detailLines(run: RunState, index: number): DetailLine[] {
  const step = run.runbook.steps[index];
  const state = run.steps[index];
  if (!step || !state) return [];
  const lines: DetailLine[] = [];
  // A note's line breaks come from the YAML file, not from meaning: paragraphs rewrap to the pane.
  if ('note' in step) for (const paragraph of text(run, step.note).split(/\n\s*\n/)) lines.push({ body: paragraph.replace(/\s*\n\s*/g, ' ') });
  const place = commandPlace(step);
  if (place) lines.push({ label: 'runs', body: whereItRuns(run, place), color: 'cyan' });
  if (step.why) lines.push({ label: 'why', body: text(run, step.why), color: 'magenta' });
  if (step.expect) lines.push({ label: 'expect', body: text(run, step.expect), color: 'green' });
  if (state.message && state.status !== 'running') lines.push({ label: state.status, body: state.message, color: state.status === 'failed' ? 'red' : undefined });
  return lines;
}

/** Rows the step's title and explanation take at this width, wrapped. */
export function stepDetailHeight(run: RunState, index: number, width: number): number {
  const wrapped = detailLines(run, index).reduce((sum, line) => {
    const length = (line.label ? line.label.length + 2 : 0) + line.body.length;
    return sum + Math.max(1, Math.ceil(length / Math.max(1, width)));
  }, 0);
  return 1 + wrapped;
}

interface Props {
  run: RunState;
  index: number;
  width: number;
  height: number;
}

/** The current step: its title, and for the operator (and the trainee) what it is for. */
export function StepDetail({ run, index, width, height }: Props) {
  const step = run.runbook.steps[index];
  const state = run.steps[index];
  if (!step || !state) return <Box height={height} />;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate-end">
        {text(run, step.title)} <Text dimColor>({state.kind})</Text>
      </Text>
      {detailLines(run, index).map((line, offset) => (
        <Text key={offset} wrap="wrap">
          {line.label ? <Text color={line.color}>{line.label}: </Text> : null}
          {line.body}
        </Text>
      ))}
    </Box>
  );
}
