import { describe, expect, it } from 'vitest';
import { STEP_KINDS } from '../../src/kinds/registry.js';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';

describe('lint, vms and schema', () => {
  it('lint accepts files and folders, and exits 0 when clean', async () => {
    const result = await patchwalk(['lint', 'runbooks']);
    expect([result.exitCode, result.stdout]).toEqual([0, expect.stringMatching(/^\d+ runbook\(s\) OK$/)]);
  });

  it('lint reports every problem, exits 2, and speaks JSON for scripts', async () => {
    const dir = tempDir();
    writeRunbook(dir, 'a.yaml', 'runbook: 1\ntitle: A\nsteps:\n  - { id: x, title: X, rn: ls }\n');
    writeRunbook(dir, 'b.yml', 'runbook: 1\ntitle: B\nsteps:\n  - { id: x, title: X, note: hi, when: "a ==" }\n');
    const text = await patchwalk(['lint', dir]);
    expect(text.exitCode).toBe(2);
    expect(String(text.stdout).split('\n')).toEqual([
      `${dir}/a.yaml:4:5: steps.x: step has no action: add one of note, confirm, input, choice, run, wait, vms, snapshot, shutdown, start, migrate, drain, reboot, return, revert`,
      `${dir}/a.yaml:4:24: steps.x.rn: unknown key "rn" (did you mean "run"?)`,
      `${dir}/b.yml:4:45: steps.x.when: when does not parse: expression ends too soon`,
      '3 problem(s) in 2 of 2 runbook(s)',
    ]);
    const json = await patchwalk(['lint', dir, '--format', 'json']);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(String(json.stdout))).toMatchObject({ ok: false, files: 2, problems: [{ file: `${dir}/a.yaml`, line: 4, col: 5, field: 'steps.x' }, {}, {}] });
  });

  it('lint without paths or with a bad format is a usage error', async () => {
    expect((await patchwalk(['lint'])).exitCode).toBe(2);
    expect((await patchwalk(['lint', 'runbooks', '--format', 'xml'])).stderr).toBe('patchwalk: --format xml: expected text or json');
  });

  it('vms lists the inventory with the planned action, as a table or JSON', async () => {
    const table = await patchwalk(['vms', 'runbooks/demo.yaml']);
    expect(String(table.stdout).split('\n').slice(0, 3)).toEqual([
      'name     state     vCPU  memory  tags      planned action',
      '-------  --------  ----  ------  --------  --------------',
      'web01    running   2     4 GiB   web,prod  shut down',
    ]);
    const json = JSON.parse(String((await patchwalk(['vms', 'runbooks/demo.yaml', '--json'])).stdout));
    expect(json.at(-1)).toEqual({ name: 'build01', id: '5', state: 'shut-off', vcpus: 8, memory_mib: 16384, tags: ['ci'], autostart: false, planned_action: 'stays off' });
  });

  it('schema prints a JSON Schema an editor can use', async () => {
    const schema = JSON.parse(String((await patchwalk(['schema'])).stdout));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required).toEqual(['runbook', 'title']);
    expect(schema.oneOf).toEqual([{ required: ['steps'] }, { required: ['cluster', 'per_host'] }]);
    for (const list of ['steps', 'before_all', 'per_host', 'after_all']) expect(schema.properties[list].items).toEqual({ $ref: '#/definitions/step' });
    expect(schema.definitions.step.anyOf).toHaveLength(STEP_KINDS.length);
    expect(schema.additionalProperties).toBe(false);
  });
});
