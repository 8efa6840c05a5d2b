import { Box, Text } from 'ink';
import { took } from '../display/durations.js';
import { printable } from '../display/printable.js';
import { vmsBeforeAfter } from '../display/vm-rows.js';
import type { RunState } from '../engine/types.js';

/** Rows the summary would like: headline, step counts, a heading and one row per VM. */
export function summaryRows(run: RunState): number {
  return 4 + (run.vmsBefore?.length ?? 0);
}

/** The end of a run: how it ended, and every VM before and after. */
export function Summary({ run, width, height }: { run: RunState; width: number; height: number }) {
  const headline = run.phase === 'done' ? 'Run complete' : run.phase === 'aborted' ? 'Run stopped' : 'Run failed';
  const color = run.phase === 'done' ? 'green' : run.phase === 'aborted' ? 'yellow' : 'red';
  const counts = new Map<string, number>();
  for (const step of run.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const vms = vmsBeforeAfter(run);
  const nameWidth = Math.max(4, ...vms.map((vm) => vm.name.length));
  const rows = Math.max(0, height - 3);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={color} wrap="truncate-end">
        {headline}
        {took(run)}
        {run.outcome ? `: ${printable(run.outcome)}` : ''}
      </Text>
      <Text wrap="truncate-end">steps: {[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}</Text>
      {vms.length > 0 ? (
        <>
          <Text bold>{`${'VM'.padEnd(nameWidth)}  ${'before'.padEnd(13)}  ${'after'.padEnd(13)}  check`}</Text>
          {vms.slice(0, rows).map((vm) => (
            <Text key={vm.name} wrap="truncate-end">
              {`${vm.name.padEnd(nameWidth)}  ${vm.before.padEnd(13)}  ${vm.after.padEnd(13)}  `}
              {vm.back ? <Text color="green">ok</Text> : <Text color="yellow" bold>NOT BACK</Text>}
            </Text>
          ))}
          {vms.length > rows ? <Text dimColor>… {vms.length - rows} more</Text> : null}
        </>
      ) : null}
    </Box>
  );
}
