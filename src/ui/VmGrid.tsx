// The VM table's grid, drawn as ink-table draws it (same borders, padding and styles) but one line
// of text per row when the grid fits the width: ink-table makes a dozen boxes and texts per row and
// keys each row by a hash of its cells, so paging remounted every row, which kept keys waiting at
// 5,000 VMs. A grid wider than the pane is left to ink-table, which wraps it cell by cell.
import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import type { VmCells, VmColumn } from '../display/vm-rows.js';

/** ink-table with one line per VM: the separator between rows would halve what fits. */
class CellGrid extends Table<VmCells> {
  override separator = () => <></>;
}

/** Spaces either side of a cell's text, as in ink-table. */
const PADDING = 1;

interface Props {
  data: VmCells[];
  columns: VmColumn[];
  width: number;
}

function line(widths: number[], fill: string, left: string, cross: string, right: string): string {
  return `${left}${widths.map((width) => fill.repeat(width)).join(cross)}${right}`;
}

function Row({ cells, widths, heading }: { cells: string[]; widths: number[]; heading?: boolean }) {
  return (
    <Text wrap="truncate-end">
      {cells.map((cell, column) => (
        <Text key={column}>
          <Text bold>│</Text>
          <Text bold={heading} color={heading ? 'blue' : undefined}>{`${' '.repeat(PADDING)}${cell}${' '.repeat((widths[column] ?? 0) - cell.length - PADDING)}`}</Text>
        </Text>
      ))}
      <Text bold>│</Text>
    </Text>
  );
}

export function VmGrid({ data, columns, width }: Props) {
  const widths = columns.map((column) => Math.max(column.length, ...data.map((row) => row[column].length)) + PADDING * 2);
  const total = 1 + widths.reduce((sum, cell) => sum + cell + 1, 0);
  if (total > width) return <CellGrid data={data} columns={columns} />;
  return (
    <Box flexDirection="column">
      <Text bold>{line(widths, '─', '┌', '┬', '┐')}</Text>
      <Row cells={columns} widths={widths} heading />
      {data.map((row, index) => (
        <Row key={index} cells={columns.map((column) => row[column])} widths={widths} />
      ))}
      <Text bold>{line(widths, '─', '└', '┴', '┘')}</Text>
    </Box>
  );
}
