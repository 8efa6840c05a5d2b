// Every recording under test/fixtures/captured/PROVIDER/NAME/ (made on a real host with
// `patchwalk vms FILE --record DIR`) goes through today's provider code, which must make of it
// what patchwalk made of it on the host, or a better answer that the recording's test names.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/inventory/output-recording.js';
import { ROOT } from '../helpers/cli.js';
import { replayList } from './captured-output.js';

const CAPTURED = join(ROOT, 'test/fixtures/captured');
const recordings = readdirSync(CAPTURED, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((provider) => readdirSync(join(CAPTURED, provider.name)).map((name) => join(provider.name, name)));

describe('provider output captured on real hosts', () => {
  it('holds at least one recording', () => {
    expect(recordings.length).toBeGreaterThan(0);
  });

  it.each(recordings)('%s: the provider reads the same VMs from it today', async (name) => {
    const recording = readRecording(join(CAPTURED, name));
    const vms = await replayList(recording);
    expect(vms).toEqual(recording.vms);
    expect(new Set(vms.map((vm) => vm.name)).size).toBe(vms.length);
    for (const vm of vms) expect(vm.name.length).toBeGreaterThan(0);
  });
});

describe('vms --record', () => {
  it('refuses the simulated host, which runs no tool, and a folder that already holds files', async () => {
    const { patchwalk, tempDir } = await import('../helpers/cli.js');
    const sim = await patchwalk(['vms', 'runbooks/demo.yaml', '--record', tempDir('pw-rec-')]);
    expect(sim.exitCode).toBe(2);
    expect(sim.stderr).toContain('nothing to record');
  });
});
