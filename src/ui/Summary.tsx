import { Box, Text } from 'ink';
import type { RunState } from '../engine/types.js';
import { formatDuration } from '../runbook/duration.js';

/** The end of a run: how it ended, and every VM before and after. */
export function Summary({ run, width, height }: { run: RunState; width: number; height: number }) {
  const took = run.startedAt !== undefined && run.endedAt !== undefined ? ` in ${formatDuration(run.endedAt - run.startedAt)}` : '';
  const headline = run.phase === 'done' ? 'Run complete' : run.phase === 'aborted' ? 'Run stopped' : 'Run failed';
  const color = run.phase === 'done' ? 'green' : run.phase === 'aborted' ? 'yellow' : 'red';
  const counts = new Map<string, number>();
  for (const step of run.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const vms = (run.vmsBefore ?? []).map((before) => {
    const after = run.vms?.find((vm) => vm.name === before.name);
    return { name: before.name, before: before.state, after: after?.state ?? 'gone', back: after?.state === before.state };
  });
  const nameWidth = Math.max(4, ...vms.map((vm) => vm.name.length));
  const rows = Math.max(0, height - 3);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={color} wrap="truncate-end">
        {headline}
        {took}
        {run.outcome ? `: ${run.outcome}` : ''}
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
