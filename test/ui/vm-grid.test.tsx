import { Table } from '@alcalzone/ink-table';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { columnsThatFit, vmCells, type VmCells } from '../../src/display/vm-rows.js';
import { VmGrid } from '../../src/ui/VmGrid.js';
import { VMS } from '../engine/harness.js';

class Reference extends Table<VmCells> {
  override separator = () => <></>;
}

const ANSI = /\u001B\[[0-9;]*m/g;
const data = VMS.map((vm, index) => vmCells({ vm: { ...vm, name: `${vm.name}${'x'.repeat(index * 3)}` }, action: index % 2 ? 'shut down' : 'leave running' }));

describe('VM grid', () => {
  it.each([120, 90, 70, 58, 30])('draws what ink-table draws at width %i, line for line', (width) => {
    const columns = columnsThatFit(data, width);
    const ours = render(<VmGrid data={data} columns={columns} width={width} />).lastFrame() ?? '';
    const theirs = render(<Reference data={data} columns={columns} />).lastFrame() ?? '';
    expect(ours.replace(ANSI, '')).toBe(theirs.replace(ANSI, ''));
  });

  it('draws each VM as one line of text, so paging changes text and builds no new boxes', () => {
    const columns = columnsThatFit(data, 120);
    const frame = render(<VmGrid data={data} columns={columns} width={120} />);
    const lines = (frame.lastFrame() ?? '').split('\n');
    expect(lines).toHaveLength(data.length + 3);
    frame.rerender(<VmGrid data={[...data].reverse()} columns={columns} width={120} />);
    expect((frame.lastFrame() ?? '').split('\n')[2]).toContain(data.at(-1)?.name);
  });
});
