// The VM table's grid, drawn as ink-table draws it (same borders, padding and styles) but one line
// of text per row when the grid fits the width: ink-table makes a dozen boxes and texts per row and
// keys each row by a hash of its cells, so paging remounted every row, which kept keys waiting at
// 5,000 VMs. A grid wider than the pane is left to ink-table, which wraps it cell by cell.
import { Table } from '@alcalzone/ink-table';
import chalk from 'chalk';
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

/**
 * A row as one string, its bold borders written as escape codes: one text node per VM instead of
 * three per cell, because each node is a fiber to reconcile and a style to apply on every frame.
 */
function rowText(cells: readonly string[], widths: readonly number[]): string {
  const border = chalk.bold('│');
  return `${border}${cells.map((cell, column) => `${' '.repeat(PADDING)}${cell}${' '.repeat((widths[column] ?? 0) - cell.length - PADDING)}`).join(border)}${border}`;
}

function Heading({ cells, widths }: { cells: string[]; widths: number[] }) {
  return (
    <Text wrap="truncate-end">
      {cells.map((cell, column) => (
        <Text key={column}>
          <Text bold>│</Text>
          <Text bold color="blue">{`${' '.repeat(PADDING)}${cell}${' '.repeat((widths[column] ?? 0) - cell.length - PADDING)}`}</Text>
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
      <Heading cells={columns} widths={widths} />
      {data.map((row, index) => (
        <Text key={index} wrap="truncate-end">
          {rowText(
            columns.map((column) => row[column]),
            widths,
          )}
        </Text>
      ))}
      <Text bold>{line(widths, '─', '└', '┴', '┘')}</Text>
    </Box>
  );
}
