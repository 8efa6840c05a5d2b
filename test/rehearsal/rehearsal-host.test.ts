// The simulated copy of a host: the real inventory is read once and kept with the run; every
// change after that happens on the copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Vm } from '../../src/engine/types.js';
import { RehearsalHost, REHEARSAL_INVENTORY_FILE } from '../../src/rehearsal/rehearsal-host.js';
import { tempDir } from '../helpers/cli.js';

const REAL: Vm[] = [
  { name: 'web01', id: '101', state: 'running', vcpus: 2, memory_mib: 4096, tags: ['web'], autostart: true, startOrder: 2 },
  { name: 'db01', id: '102', state: 'running', vcpus: 4, memory_mib: 8192, tags: ['db'], autostart: true, lock: 'backup' },
  { name: 'vCLS-1', id: '103', state: 'running', vcpus: 1, memory_mib: 128, tags: [], autostart: false, system: true },
  { name: 'old01', id: '104', state: 'migrating', vcpus: 1, memory_mib: 1024, tags: [], autostart: false },
];

describe('RehearsalHost', () => {
  it('reads the real inventory once, keeps it with the run, and answers with every field the real host gave', async () => {
    const dir = tempDir();
    let reads = 0;
    const readReal = async () => {
      reads++;
      return structuredClone(REAL);
    };
    const host = new RehearsalHost({ readReal, runDir: dir, stateFile: join(dir, 'sim-host.json') });
    const listed = await host.list();
    await host.list();
    expect(reads).toBe(1);
    expect(listed.slice(0, 3)).toEqual(REAL.slice(0, 3));
    // Caught mid-migration: the copy starts where the VM was heading on this host (still running).
    expect(listed[3]?.state).toBe('running');
    expect(JSON.parse(readFileSync(join(dir, REHEARSAL_INVENTORY_FILE), 'utf8'))).toEqual(REAL);
  });

  it('changes VMs on the copy only, and a resumed rehearsal rebuilds the same host without reading again', async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'sim-host.json');
    let reads = 0;
    const readReal = async () => {
      reads++;
      return structuredClone(REAL);
    };
    const host = new RehearsalHost({ readReal, runDir: dir, stateFile });
    const results = await host.power({ action: 'poweroff', vms: ['web01'], timeoutMs: 60_000, concurrency: 1, onState: () => {} });
    expect(results).toEqual([{ name: 'web01', outcome: 'ok' }]);
    expect(REAL[0]?.state).toBe('running');
    const again = new RehearsalHost({ readReal, runDir: dir, stateFile });
    const listed = await again.list();
    expect(reads).toBe(1);
    expect(listed.find((vm) => vm.name === 'web01')?.state).toBe('shut-off');
    expect(listed.find((vm) => vm.name === 'db01')).toMatchObject({ id: '102', lock: 'backup', state: 'running' });
  });

  it('a host that cannot be read is asked again next time, not remembered as empty', async () => {
    const dir = tempDir();
    let reads = 0;
    const host = new RehearsalHost({
      readReal: async () => {
        reads++;
        if (reads === 1) throw new Error('cannot connect to kvm01');
        return structuredClone(REAL);
      },
      runDir: dir,
    });
    await expect(host.list()).rejects.toThrow('cannot connect to kvm01');
    expect(await host.list()).toHaveLength(4);
  });
});
