// A plain CSV of members: a header row, then one member a row. Columns name (required), ssh, port,
// uri, host and node are the member's settings; any other column is a var ({{ host.vars.COLUMN }}).
import { parse, CsvError } from 'csv-parse/sync';
import { InventoryError } from './inventory-model.js';

export const CSV_MEMBER_COLUMNS = ['name', 'ssh', 'port', 'uri', 'host', 'node'] as const;

export interface CsvMember {
  line: number;
  values: Map<string, string>;
}

export function parseCsvMembers(file: string, text: string): CsvMember[] {
  let rows: { info: { lines: number }; record: string[] }[];
  try {
    rows = parse(text, { info: true, trim: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, bom: true }) as unknown as typeof rows;
  } catch (error) {
    if (error instanceof CsvError) throw new InventoryError(file, (error as CsvError & { lines?: number }).lines ?? 1, `CSV: ${error.message.replace(/^Invalid Record Length: /, '')}`);
    throw error;
  }
  const [header, ...records] = rows;
  if (!header) throw new InventoryError(file, 1, 'the CSV is empty: write a header row such as name,ssh,uri and one row per member');
  const columns = header.record.map((column) => column.toLowerCase());
  if (!columns.includes('name')) {
    throw new InventoryError(file, header.info.lines, `the header row has no "name" column (it has ${columns.join(', ')}): the first row names the columns, such as name,ssh,uri`);
  }
  const seen = new Set<string>();
  columns.forEach((column) => {
    if (!column) throw new InventoryError(file, header.info.lines, 'the header row has an empty column name');
    if (seen.has(column)) throw new InventoryError(file, header.info.lines, `the header row names column "${column}" twice`);
    seen.add(column);
  });
  return records.map(({ info, record }) => ({
    line: info.lines,
    values: new Map(columns.map((column, index) => [column, record[index] ?? ''] as [string, string]).filter(([, value]) => value !== '')),
  }));
}
