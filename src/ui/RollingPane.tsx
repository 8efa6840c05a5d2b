// The cluster as the console shows it while the rolling asks something (go on to the next host,
// a drain's plan, a shortfall, a failed migration): the member table, then the placement plan.
import { Box, Text } from 'ink';
import { memberCells, memberRows, placementRows, shortfallText } from '../display/rolling-rows.js';
import type { RunState } from '../engine/types.js';
import { useClock } from './hooks/use-clock.js';

interface Props {
  run: RunState;
  width: number;
  height: number;
}

/** Columns padded to their widest cell, one line per row: tables here must fit any terminal. */
function lines(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function RollingPane({ run, width, height }: Props) {
  const now = useClock();
  const hosts = lines(['host', 'phase', 'VMs', 'elapsed'], memberRows(run, now).map(memberCells));
  const plan = run.rolling?.plan;
  const current = run.runbook.steps[run.cursor]?.id;
  const showPlan = plan !== undefined && plan.stepId === current;
  const planLines = showPlan ? lines(['VM', 'from', 'to', 'memory', 'why'], placementRows(plan, (name) => run.vms?.find((vm) => vm.name === name)?.memory_mib)) : [];
  const short = showPlan ? shortfallText(plan) : undefined;
  const all = [
    ...hosts.map((text, index) => ({ text, dim: index === 0 })),
    ...(showPlan ? [{ text: '', dim: false }, { text: `placement plan for ${plan.member}`, dim: true }, ...planLines.map((text, index) => ({ text, dim: index === 0 }))] : []),
    ...(short ? [{ text: `! ${short}`, dim: false, warn: true }] : []),
  ];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {all.slice(0, height).map((line, index) => (
        <Text key={index} dimColor={line.dim} color={'warn' in line ? 'yellow' : undefined} wrap="truncate-end">
          {line.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
