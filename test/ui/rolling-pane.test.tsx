import { render } from 'ink-testing-library';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { initialState, reduce } from '../../src/engine/engine.js';
import type { RunState, Vm } from '../../src/engine/types.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { Header } from '../../src/ui/Header.js';
import { RollingPane } from '../../src/ui/RollingPane.js';
import { members } from '../rolling/rolling-driver.js';
import { stepTitles } from '../../src/display/step-text.js';

const RUNBOOK = parse(`
runbook: 1
title: Rolling
window: { duration: 1h }
cluster: { name: pve-prod }
rolling: { order: [pve1, pve2, pve3], pause_between: ask }
inventory: { provider: sim }
per_host:
  - { id: drain, title: "Drain {{ host.name }}", drain: {} }
`) as Runbook;

const vm = (name: string, host: string, memory_mib: number, tags: string[] = []): Vm => ({ name, id: name, state: 'running', vcpus: 2, memory_mib, tags, autostart: true, host });

/** The run at the first drain's plan question. */
function atPlan(): RunState {
  let state = initialState(RUNBOOK, { yes: false, dryRun: false, pauseToRead: false, runId: 'r', operator: 'op' }, {}, members('pve1', 'pve2', 'pve3'));
  state = reduce(state, { type: 'start', at: Date.now() });
  state = reduce(state, { type: 'inventory-loaded', effectId: state.effect!.id, vms: [vm('web01', 'pve1', 4096), vm('db01', 'pve1', 65536), vm('app01', 'pve2', 2048)], at: Date.now() });
  const free = (name: string) => ({ name, memory_free_mib: 16384, vcpus_free: 32 });
  return reduce(state, { type: 'capacity-loaded', effectId: state.effect!.id, members: [free('pve1'), free('pve2'), free('pve3')], at: Date.now() });
}

describe('the rolling in the console', () => {
  it('shows the member table and the drain plan, with the shortfall, while the rolling asks', () => {
    const run = atPlan();
    expect(run.awaiting?.purpose).toBe('rolling');
    const frame = render(<RollingPane run={run} width={100} height={20} />).lastFrame() ?? '';
    expect(frame).toMatch(/host\s+phase\s+VMs\s+elapsed/);
    expect(frame).toMatch(/▸ pve1\s+draining\s+2/);
    expect(frame).toMatch(/pve2\s+waiting\s+1/);
    expect(frame).toContain('placement plan for pve1');
    expect(frame).toMatch(/web01\s+pve1\s+pve\d\s+4 GiB/);
    expect(frame).toMatch(/db01\s+pve1\s+\(no room\)/);
    expect(frame).toMatch(/capacity short by/);
  });

  it('says "host 1 of 3" in the header beside the window clock', () => {
    const frame = render(<Header run={atPlan()} title="Rolling" training={false} width={120} />).lastFrame() ?? '';
    expect(frame).toContain('host pve1 · step 1 of 3 · host 1 of 3 (pve1)');
    expect(frame).toContain('window');
  });

  it('names each member in the titles of its own copy of a step, wherever the run is', () => {
    expect(stepTitles(atPlan())).toEqual(['Drain pve1', 'Drain pve2', 'Drain pve3']);
  });
});
