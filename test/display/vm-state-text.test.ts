import { describe, expect, it } from 'vitest';
import type { Vm } from '../../src/engine/types.js';
import { stateText } from '../../src/display/vm-rows.js';

const vm = (fields: Partial<Vm>): Vm => ({ name: 'x', id: '1', state: 'running', vcpus: 1, memory_mib: 1024, tags: [], autostart: false, ...fields });

describe('stateText', () => {
  it('shows the platform’s reason, a lock and a system VM beside the state', () => {
    expect(stateText(vm({}))).toBe('running');
    expect(stateText(vm({ state: 'paused', detail: 'io-error' }))).toBe('paused (io-error)');
    expect(stateText(vm({ lock: 'backup' }))).toBe('running, locked: backup');
    expect(stateText(vm({ system: true }))).toBe('running, system');
  });
});
