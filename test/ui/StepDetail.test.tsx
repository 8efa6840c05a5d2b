import { render } from 'ink-testing-library';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/engine/engine.js';
import { StepDetail } from '../../src/ui/StepDetail.js';
import { runbookFrom } from '../helpers/runbook.js';

const options = { yes: false, dryRun: false, pauseToRead: false, runId: 'r', operator: 'op' };
const RUNBOOK = runbookFrom(`runbook: 1
title: T
params: { host: { default: kvm01 } }
target: { ssh: "root@{{ host }}" }
steps:
  - { id: up, title: Apply updates, run: apt-get -y dist-upgrade, on: host }
  - { id: here, title: Check here, run: date }
  - { id: read, title: Read, note: hi }
`);

describe('StepDetail says where the command runs', () => {
  it('on the target over ssh, or on this machine by name; nothing for a step without a command', () => {
    const run = initialState(RUNBOOK, options);
    const frame = (index: number) => render(<StepDetail run={run} index={index} width={80} height={6} />).lastFrame() ?? '';
    expect(frame(0)).toContain('runs: on root@kvm01');
    expect(frame(1)).toContain(`runs: on this machine (${hostname()})`);
    expect(frame(2)).not.toContain('runs:');
  });
});
