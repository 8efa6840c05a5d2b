import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialState, reduce } from '../../src/engine/engine.js';
import { indexVms } from '../../src/engine/run-vms.js';
import type { RunState, Vm } from '../../src/engine/types.js';
import { useVmPlan } from '../../src/ui/hooks/use-vm-plan.js';
import { Footer } from '../../src/ui/Footer.js';
import { Header } from '../../src/ui/Header.js';
import { OutputPane } from '../../src/ui/OutputPane.js';
import { RunStore } from '../../src/ui/run-store.js';
import { StepList } from '../../src/ui/StepList.js';
import { VmTable } from '../../src/ui/VmTable.js';
import { VMS } from '../engine/harness.js';
import { tempDir } from '../helpers/cli.js';
import { runbookFrom } from '../helpers/runbook.js';

const RUNBOOK = runbookFrom(`runbook: 1
title: Patch kvm01
window: { duration: 1h }
steps:
  - { id: notes, title: Read the notes, note: hi }
  - { id: up, title: Apply updates, run: "apt-get -y dist-upgrade" }
  - { id: down, title: Shut down, shutdown: {} }
`);
const options = { yes: false, dryRun: false, pauseToRead: true, runId: 'r', operator: 'op' };

describe('header', () => {
  it('shows the title, host, step and the window clock, and says when the window is over', () => {
    const run = { ...reduce(initialState(RUNBOOK, options), { type: 'start', at: Date.now() - 3_600_000 - 65_000 }), endedAt: undefined };
    const frame = render(<Header run={run} title="Patch kvm01" training width={100} />).lastFrame() ?? '';
    expect(frame).toContain('patchwalk Patch kvm01');
    expect(frame).toMatch(/window 1h01m0\ds\/1h 1m0\ds OVER/);
    expect(frame).toContain('host sim-host · step 1 of 3 · TRAINING');
  });

  it('marks a dry run', () => {
    const run = reduce(initialState(RUNBOOK, { ...options, dryRun: true }), { type: 'start', at: Date.now() });
    expect(render(<Header run={run} title="T" training={false} width={100} />).lastFrame()).toContain('DRY RUN: nothing changes');
  });
});

describe('step list', () => {
  it('marks each step and highlights the current one', () => {
    let run = reduce(initialState(RUNBOOK, options), { type: 'start', at: 0 });
    run = reduce(run, { type: 'inventory-loaded', effectId: run.effect!.id, vms: VMS, at: 1 });
    run = reduce(run, { type: 'answer', effectId: run.effect!.id, value: true, at: 2 });
    const frame = render(<StepList run={run} titles={['Read the notes', 'Apply updates', 'Shut down']} width={24} height={3} />).lastFrame();
    expect(frame?.split('\n')).toEqual(['✓ Read the notes', '▶ Apply updates', '· Shut down']);
  });
});

describe('footer', () => {
  it('lists the keys that work in the current context, from the keymap', () => {
    expect(render(<Footer context="typing" extra={[{ keys: 'Enter', hint: 'submit' }]} width={100} />).lastFrame()).toBe('Enter submit  PgUp/PgDn page  End follow  Esc quit from a text field');
    expect(render(<Footer context="browse" hide={['nextMatch', 'previousMatch']} width={120} />).lastFrame()).toBe(
      'Enter continue  ↑↓ scroll  PgUp/PgDn page  End follow  / search  v VMs  ? help  q quit',
    );
  });
});

describe('VM table', () => {
  const many: Vm[] = Array.from({ length: 300 }, (_, index) => ({ ...VMS[index % 4]!, name: `vm${String(index).padStart(3, '0')}` }));
  const plans = many.map((vm) => ({ vm, action: vm.state === 'running' ? 'shut down' : 'stays off' }));

  it('shows name, state, vCPU, memory, tags and the planned action', () => {
    const frame = render(<VmTable plans={plans.slice(0, 4)} top={0} height={10} width={100} />).lastFrame() ?? '';
    expect(frame).toContain('│ name  │ state    │ vCPU │ memory │ tags  │ planned action │');
    expect(frame).toContain('│ vm001 │ running  │ 4    │ 8 GiB  │ db    │ shut down      │');
  });

  it('scrolls through hundreds of VMs within its height', () => {
    const frame = render(<VmTable plans={plans} top={100} height={12} width={100} />).lastFrame() ?? '';
    const lines = frame.split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe('── VMs 101-108 of 300 · 225 running · ↑↓ scroll');
    expect(frame).toContain('vm100');
    expect(frame).not.toContain('vm099');
  });

  it('shows each VM as it is now beside the plan made before, wherever the VM list has it', () => {
    function LiveTable({ run, top }: { run: RunState; top: number }) {
      const plan = useVmPlan(run);
      return <VmTable plans={plan.plans} running={plan.running} live={plan.live} top={top} height={8} width={100} />;
    }
    let run = reduce(initialState(RUNBOOK, options), { type: 'start', at: 0 });
    run = reduce(run, { type: 'inventory-loaded', effectId: run.effect!.id, vms: many, at: 1 });
    const app = render(<LiveTable run={run} top={100} />);
    expect(app.lastFrame()).toMatch(/│ vm101 +│ running +│.*│ shut down/);
    expect(app.lastFrame()).toContain('── VMs 101-104 of 300 · 225 running');
    // vm101 stopped, and the list came back in another order (a host lists its VMs as it likes).
    const now = [...many].reverse().map((vm) => (vm.name === 'vm101' ? { ...vm, state: 'shut-off' as const } : vm));
    app.rerender(<LiveTable run={{ ...run, vms: now, vmIndex: indexVms(now) }} top={100} />);
    expect(app.lastFrame()).toMatch(/│ vm101 +│ shut-off +│.*│ shut down/);
    expect(app.lastFrame()).toContain('── VMs 101-104 of 300 · 224 running');
  });

  it('counts the running VMs right through a shutdown, one state change at a time, and when the list is reordered', () => {
    function Caption({ run }: { run: RunState }) {
      const plan = useVmPlan(run);
      return <VmTable plans={plan.plans} running={plan.running} live={plan.live} top={0} height={6} width={100} />;
    }
    let run = reduce(initialState(RUNBOOK, options), { type: 'start', at: 0 });
    run = reduce(run, { type: 'inventory-loaded', effectId: run.effect!.id, vms: many, at: 1 });
    const app = render(<Caption run={run} />);
    const running = () => Number(/· (\d+) running/.exec(app.lastFrame() ?? '')?.[1]);
    const expected = (vms: readonly Vm[]) => vms.filter((vm) => vm.state === 'running').length;
    expect(running()).toBe(225);
    // As the engine applies the provider's reports: shutting down, then shut off, a few VMs at a time.
    for (const name of ['vm001', 'vm002', 'vm005', 'vm001', 'vm002', 'vm299']) {
      const to = run.vms!.find((vm) => vm.name === name)!.state === 'running' ? 'shutting-down' : 'shut-off';
      run = reduce(run, { type: 'vm-state', name, state: to, at: 2 });
      app.rerender(<Caption run={run} />);
      expect(running()).toBe(expected(run.vms!));
    }
    // A VM that was off starts again.
    run = reduce(run, { type: 'vm-state', name: 'vm003', state: 'running', at: 3 });
    app.rerender(<Caption run={run} />);
    expect(running()).toBe(expected(run.vms!));
    // The host lists its VMs in another order: counted in full, by name.
    const reordered = [...run.vms!].reverse().map((vm) => (vm.name === 'vm100' ? { ...vm, state: 'shut-off' as const } : vm));
    app.rerender(<Caption run={{ ...run, vms: reordered, vmIndex: indexVms(reordered) }} />);
    expect(running()).toBe(expected(reordered));
  });

  it('drops the least needed columns on a narrow screen rather than wrapping', () => {
    const frame = render(<VmTable plans={plans.slice(0, 3)} top={0} height={8} width={58} />).lastFrame() ?? '';
    expect(frame).not.toContain('tags');
    expect(frame).toContain('planned action');
    expect(Math.max(...frame.split('\n').map((line) => line.length))).toBeLessThanOrEqual(58);
  });
});

describe('output pane', () => {
  function storeWith(lines: number): RunStore {
    const store = new RunStore(initialState(RUNBOOK, options), join(tempDir(), 'out.log'));
    for (let index = 0; index < lines; index++) store.output('up', index % 100 === 99 ? 'stderr' : 'stdout', `Unpacking package ${index}`);
    return store;
  }

  it('follows the newest lines and marks stderr', () => {
    const store = storeWith(1000);
    const frame = render(<OutputPane store={store} view={{ follow: true, top: 0 }} width={60} height={5} />).lastFrame();
    expect(frame?.split('\n')).toEqual([
      '── output · 1000 lines · following',
      '  Unpacking package 996',
      '  Unpacking package 997',
      '  Unpacking package 998',
      '! Unpacking package 999',
    ]);
    store.close();
  });

  it('scrolls back to any line, read back from the output file', () => {
    const store = storeWith(10_000);
    const frame = render(<OutputPane store={store} view={{ follow: false, top: 10, match: 11, term: 'package 11' }} width={60} height={3} />).lastFrame();
    expect(frame?.split('\n')).toEqual(['── output · lines 11-12 of 10000 · End follows · /package 11', '  Unpacking package 10', '  Unpacking package 11']);
    store.close();
  });
});

describe('help', () => {
  it('lists every key of the keymap and the prompt keys, in two columns when one would not fit', async () => {
    const { HelpOverlay } = await import('../../src/ui/HelpOverlay.js');
    const tall = render(<HelpOverlay width={70} height={30} />).lastFrame() ?? '';
    for (const text of ['Enter     continue', '↑/↓       scroll', 'PgUp/PgDn page', '/         search', 'q/Ctrl-C  quit', 'Esc       quit from a text field', 'Space     tick']) {
      expect(tall).toContain(text);
    }
    const short = render(<HelpOverlay width={70} height={10} />).lastFrame() ?? '';
    expect(short.split('\n')).toHaveLength(10);
    expect(short).toContain('quit');
    expect(short).toContain('continue');
  });
});

describe('search matches without colour', () => {
  it('are drawn in inverse video by hand, since NO_COLOR turns Ink styles off', () => {
    const store = new RunStore(initialState(RUNBOOK, options), join(tempDir(), 'out.log'));
    for (let index = 0; index < 20; index++) store.output('up', 'stdout', `Unpacking package ${index}`);
    const frame = render(<OutputPane store={store} view={{ follow: false, top: 0, match: 1, term: 'package 1' }} width={60} height={4} noColour />).lastFrame() ?? '';
    expect(frame.split('\n')[2]).toBe('\u001B[7m  Unpacking package 1\u001B[27m');
    store.close();
  });
});
