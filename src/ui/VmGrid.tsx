// The VM table's grid, drawn as ink-table draws it (same borders, padding and styles) but one line
// of text per row when the grid fits the width: ink-table makes a dozen boxes and texts per row and
// keys each row by a hash of its cells, so paging remounted every row, which kept keys waiting at
// 5,000 VMs. A grid wider than the pane is left to ink-table, which wraps it cell by cell.
import { Table } from '@alcalzone/ink-table';
import chalk from 'chalk';
import { Text } from 'ink';
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

function line(widths: readonly number[], fill: string, left: string, cross: string, right: string): string {
  return `${left}${widths.map((width) => fill.repeat(width)).join(cross)}${right}`;
}

/** A cell's text with ink-table's padding, to the column's width. */
function padded(cell: string, width: number): string {
  return `${' '.repeat(PADDING)}${cell}${' '.repeat(width - cell.length - PADDING)}`;
}

/**
 * The fitted grid as one text, its styles written as escape codes: one text node for the whole
 * table instead of three per cell, because each node is a fiber to reconcile, a box to lay out and
 * a style to apply on every frame, and paging at 5,000 VMs changes every row.
 */
function gridText(data: readonly VmCells[], columns: readonly VmColumn[], widths: readonly number[]): string {
  const border = chalk.bold('│');
  const row = (cells: readonly string[], style: (text: string) => string = (text) => text) =>
    `${border}${cells.map((cell, column) => style(padded(cell, widths[column] ?? 0))).join(border)}${border}`;
  return [
    chalk.bold(line(widths, '─', '┌', '┬', '┐')),
    row(columns, chalk.bold.blue),
    ...data.map((cells) => row(columns.map((column) => cells[column]))),
    chalk.bold(line(widths, '─', '└', '┴', '┘')),
  ].join('\n');
}

export function VmGrid({ data, columns, width }: Props) {
  const widths = columns.map((column) => Math.max(column.length, ...data.map((row) => row[column].length)) + PADDING * 2);
  const total = 1 + widths.reduce((sum, cell) => sum + cell + 1, 0);
  if (total > width) return <CellGrid data={data} columns={columns} />;
  // It fits, so nothing wraps: each line of the text is one line of the grid.
  return <Text>{gridText(data, columns, widths)}</Text>;
}
