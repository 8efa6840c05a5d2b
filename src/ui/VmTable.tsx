import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import type { VmPlan } from '../engine/vm-plan.js';
import { memoryText } from '../inventory/vm-rows.js';

type Row = { name: string; state: string; vCPU: number; memory: string; tags: string; 'planned action': string };

/** ink-table with one line per VM: the separator between rows would halve what fits. */
class VmGrid extends Table<Row> {
  override separator = () => <></>;
}

interface Props {
  plans: VmPlan[];
  top: number;
  height: number;
  width: number;
}

/** Fixed rows: the table's top border, heading, and bottom border, plus our caption. */
const CHROME_ROWS = 4;

export function visibleVmRows(height: number): number {
  return Math.max(1, height - CHROME_ROWS);
}

type Column = keyof Row;
const COLUMNS: Column[] = ['name', 'state', 'vCPU', 'memory', 'tags', 'planned action'];
/** Dropped in this order when the pane is too narrow for every column. */
const OPTIONAL: Column[] = ['tags', 'vCPU', 'memory'];

/** The columns that fit: ink-table pads each cell by one space either side and draws a border. */
function columnsThatFit(rows: Row[], width: number): Column[] {
  const need = (columns: Column[]) =>
    1 + columns.reduce((sum, column) => sum + 3 + Math.max(column.length, ...rows.map((row) => String(row[column]).length)), 0);
  let columns = [...COLUMNS];
  for (const optional of OPTIONAL) {
    if (need(columns) <= width) break;
    columns = columns.filter((column) => column !== optional);
  }
  return columns;
}

export function VmTable({ plans, top, height, width }: Props) {
  const rows = visibleVmRows(height);
  const first = Math.max(0, Math.min(top, plans.length - rows));
  const data: Row[] = plans.slice(first, first + rows).map(({ vm, action }) => ({
    name: vm.name,
    state: vm.state,
    vCPU: vm.vcpus,
    memory: memoryText(vm.memory_mib),
    tags: vm.tags.join(',') || '-',
    'planned action': action,
  }));
  const running = plans.filter((plan) => plan.vm.state === 'running').length;
  const range = plans.length > rows ? ` · ${first + 1}-${first + data.length} of ${plans.length}, ↑↓ scroll` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text dimColor wrap="truncate-end">
        ── VMs on this host · {plans.length} VMs, {running} running{range}
      </Text>
      <VmGrid data={data} columns={columnsThatFit(data, width)} />
    </Box>
  );
}
