import { Box, Text } from 'ink';
import { columnsThatFit, vmCaption, vmCells } from '../display/vm-rows.js';
import type { VmPlan } from '../engine/vm-plan.js';
import { VmGrid } from './VmGrid.js';

interface Props {
  plans: readonly VmPlan[];
  /** How many of them are running, if counted already. */
  running?: number;
  /** A row's VM as it is now; only the rows on screen are asked. */
  live?: (plan: VmPlan, position: number) => VmPlan;
  top: number;
  height: number;
  width: number;
  /** A rolling's table lists the whole cluster. */
  cluster?: boolean;
}

/** Fixed rows: the table's top border, heading, and bottom border, plus our caption. */
const CHROME_ROWS = 4;

export function visibleVmRows(height: number): number {
  return Math.max(1, height - CHROME_ROWS);
}

/** The VMs and their planned actions. Only the rows in view are built and drawn. */
export function VmTable({ plans, running, live = (plan) => plan, top, height, width, cluster = false }: Props) {
  const rows = visibleVmRows(height);
  const first = Math.max(0, Math.min(top, plans.length - rows));
  const data = plans.slice(first, first + rows).map((plan, offset) => vmCells(live(plan, first + offset)));
  const up = running ?? plans.filter((plan) => plan.vm.state === 'running').length;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text dimColor wrap="truncate-end">
        {vmCaption(plans, up, first, data.length, cluster ? 'in the cluster' : 'on this host')}
      </Text>
      <VmGrid data={data} columns={columnsThatFit(data, width)} width={width} />
    </Box>
  );
}
