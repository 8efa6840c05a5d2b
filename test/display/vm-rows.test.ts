import { describe, expect, it } from 'vitest';
import { columnsThatFit, vmCaption, vmCells, vmRow, vmsBeforeAfter } from '../../src/display/vm-rows.js';
import { VMS } from '../engine/harness.js';

describe('VM rows', () => {
  it('reads name, state, vCPU, memory, tags and the planned action', () => {
    expect(vmRow({ vm: VMS[1]!, action: 'shut down' })).toEqual(['db01', 'running', '4', '8 GiB', 'db', 'shut down']);
  });

  it('escapes a name that would break the row', () => {
    expect(vmCells({ vm: { ...VMS[0]!, name: 'web\n01', tags: ['\u001B[2J'] }, action: 'shut down' })).toMatchObject({ name: 'web\\n01', tags: '\\e[2J' });
  });

  it('drops tags, then vCPU, then memory when the width is short', () => {
    const rows = [vmCells({ vm: VMS[0]!, action: 'leave running (down during reboot)' })];
    expect(columnsThatFit(rows, 200)).toEqual(['name', 'state', 'vCPU', 'memory', 'tags', 'planned action']);
    expect(columnsThatFit(rows, 70)).toEqual(['name', 'state', 'memory', 'planned action']);
    expect(columnsThatFit(rows, 60)).toEqual(['name', 'state', 'planned action']);
  });

  it("says the whole cluster's VMs are listed in a rolling, not the host being patched", () => {
    const plans = VMS.map((vm) => ({ vm, action: 'migrate away' }));
    expect(vmCaption(plans, 3, 0, plans.length)).toBe('── VMs on this host · 4 VMs, 3 running');
    expect(vmCaption(plans, 3, 0, plans.length, 'in the cluster')).toBe('── VMs in the cluster · 4 VMs, 3 running');
  });

  it('pairs each VM before with itself now, by name', () => {
    const now = [{ ...VMS[0]!, state: 'shut-off' as const }];
    expect(vmsBeforeAfter({ vmsBefore: VMS.slice(0, 2), vms: now })).toEqual([
      { name: 'web01', before: 'running', after: 'shut-off', back: false },
      { name: 'db01', before: 'running', after: 'gone', back: false },
    ]);
  });
});
