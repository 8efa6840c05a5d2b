// Where a command runs is said truthfully: over ssh at target.ssh, or on this machine, by name.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/engine/engine.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { HOST_WITHOUT_SSH } from '../../src/runbook/references.js';
import { commandPlace, whereItRuns } from '../../src/run/where-it-runs.js';
import { runbookFrom } from '../helpers/runbook.js';

const options = { yes: false, dryRun: false, pauseToRead: false, runId: 'r', operator: 'op' };

describe('whereItRuns', () => {
  it('names the ssh destination of on: host, with its params filled in', () => {
    const runbook = runbookFrom(`runbook: 1
title: T
params: { host: { default: kvm01 } }
target: { ssh: "root@{{ host }}" }
steps:
  - { id: up, title: Up, run: uptime, on: host }
  - { id: here, title: Here, run: date }
`);
    expect(whereItRuns(initialState(runbook, options), 'host')).toBe('on root@kvm01');
    expect(whereItRuns(initialState(runbook, options, { host: 'kvm02' }), 'host')).toBe('on root@kvm02');
    expect(whereItRuns(initialState(runbook, options), 'local')).toBe(`on this machine (${hostname()})`);
  });

  it('never says "the host" for this machine', () => {
    const runbook = runbookFrom('runbook: 1\ntitle: T\nsteps:\n  - { id: here, title: Here, run: date }\n');
    expect(whereItRuns(initialState(runbook, options), 'local')).toBe(`on this machine (${hostname()})`);
    expect(whereItRuns(initialState(runbook, options), 'host')).not.toContain('the host');
  });

  it('knows which steps run a command', () => {
    expect(commandPlace({ run: 'x', on: 'host' })).toBe('host');
    expect(commandPlace({ run: 'x' })).toBe('local');
    expect(commandPlace({ wait: { check: 'x', on: 'host' } })).toBe('host');
    expect(commandPlace({ note: 'x' })).toBeUndefined();
  });
});

describe('on: host without target.ssh', () => {
  const SIM_ON_HOST = `runbook: 1
title: Rehearse
inventory: { provider: sim }
steps:
  - id: upgrade
    title: Apply updates
    run: apt-get -y dist-upgrade
    on: host
`;

  it('is refused even with simulated VMs: it would run on this machine', () => {
    const result = loadRunbookText('r.yaml', SIM_ON_HOST);
    expect(result.runbook).toBeUndefined();
    expect(result.problems).toEqual([{ file: 'r.yaml', line: 8, col: 9, field: 'steps.upgrade.on', message: HOST_WITHOUT_SSH }]);
  });

  it('passes for a rehearsal, which executes no command (the hook --rehearse will use)', () => {
    expect(loadRunbookText('r.yaml', SIM_ON_HOST, { rehearsal: true }).runbook).toBeDefined();
  });
});
