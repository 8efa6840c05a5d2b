// A run folder appears under its run id only once its journal holds run-start: a kill in between
// must leave nothing `runs`, `resume` or `watch` would take for a run.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFolder, runIds } from '../../src/journal/run-folder.js';
import { tempDir } from '../helpers/cli.js';

describe('run folder', () => {
  it('is staged under a name that is not a run until it is published', () => {
    const root = tempDir();
    const folder = new RunFolder(root, '20261126-221500-ab12');
    folder.create();
    writeFileSync(folder.journal, '{"type":"run-start"}\n');
    expect(readdirSync(join(root, 'runs'))).toEqual(['.new-20261126-221500-ab12']);
    expect(runIds(root)).toEqual([]);
    expect(folder.exists()).toBe(true);

    folder.publish();
    expect(runIds(root)).toEqual(['20261126-221500-ab12']);
    expect(folder.dir).toBe(join(root, 'runs', '20261126-221500-ab12'));
    expect(existsSync(folder.stepsDir)).toBe(true);
    expect(existsSync(join(root, 'runs', '.new-20261126-221500-ab12'))).toBe(false);
  });
});
