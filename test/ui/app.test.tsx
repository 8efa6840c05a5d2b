// The whole console, drawn by ink-testing-library from a run store: what the operator sees.
import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Prompt, RunState, Vm } from '../../src/engine/types.js';
import { App } from '../../src/ui/App.js';
import { RunStore } from '../../src/ui/run-store.js';
import { Run, VMS } from '../engine/harness.js';
import { tempDir } from '../helpers/cli.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 40));

/** Waits for a frame that passes: renders take longer on a loaded machine. */
async function frameWhere(app: { lastFrame: () => string | undefined }, test: (frame: string) => boolean): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 20) {
    const frame = app.lastFrame() ?? '';
    if (test(frame)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return app.lastFrame() ?? '';
}
const KEY = { enter: '\r', pageUp: '\u001B[5~', pageDown: '\u001B[6~', end: '\u001B[F', ctrlA: '\u0001', escape: '\u001B' };

const stores: RunStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const driver = { requestQuit: vi.fn(), commandRunning: false };

function mount(state: RunState, columns = 100, rows = 30) {
  const store = new RunStore(state, join(tempDir(), 'out.log'));
  stores.push(store);
  store.state(state, undefined);
  // ink-testing-library's stdout has no size of its own.
  const app = render(<App store={store} driver={driver} training={false} onExit={() => {}} />);
  Object.defineProperty(app.stdout, 'columns', { value: columns });
  Object.defineProperty(app.stdout, 'rows', { value: rows });
  app.stdout.emit('resize');
  return { store, app };
}

function ask(store: RunStore, prompt: Prompt) {
  void store.ask(prompt, { stepId: 'x', signal: new AbortController().signal }).catch(() => {});
}

const TABLE = `runbook: 1
title: Patch
steps:
  - { id: look, title: Look, vms: {} }
  - { id: up, title: Upgrade, run: "apt-get -y dist-upgrade" }
`;

describe('text from outside is drawn escaped', () => {
  const hostile: Vm[] = [
    { ...VMS[0]!, name: 'web\n01' },
    { ...VMS[1]!, name: 'db\u001B[2J01' },
  ];

  it('a VM named with a newline or a screen-clearing code is one escaped row of the table', async () => {
    const run = new Run(TABLE, { pauseToRead: true }).inventory(hostile);
    const { app } = mount(run.state);
    await tick();
    const frame = app.lastFrame() ?? '';
    expect(frame).toMatch(/│ web\\n01 +│ running/);
    expect(frame).toMatch(/│ db\\e\[2J01 +│ running/);
    expect(frame).not.toContain('\u001B[2J');
    // Each VM is one row: nothing that reads "01 │" starts a line of its own.
    expect(frame.split('\n').filter((line) => /^\s*01/.test(line))).toEqual([]);
  });

  it('command output with escape codes is shown escaped, its colour dropped', async () => {
    const run = new Run(TABLE, { pauseToRead: true }).inventory();
    const { store, app } = mount(run.state);
    store.output('up', 'stdout', '\u001B[31mred\u001B[0m \u001B[2J\u001B[Hhome');
    app.stdin.write('v');
    await new Promise((resolve) => setTimeout(resolve, 120));
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('  red \\e[2J\\e[Hhome');
  });
});

describe('prompts in the console', () => {
  it('shows the whole reboot question, wrapped, with its [y/n]', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `web${String(index + 1).padStart(2, '0')}`);
    const run = new Run(TABLE, { pauseToRead: true }).inventory();
    const { store, app } = mount(run.state, 60, 20);
    ask(store, { kind: 'confirm', question: `Reboot kvm01 now? 20 VM(s) still running will go down hard: ${names.join(', ')}.`, destructive: true });
    await tick();
    const frame = (app.lastFrame() ?? '').replace(/\s+/g, ' ');
    expect(frame).toContain('Reboot kvm01 now? 20 VM(s) still running will go down hard: web01, web02, web03, web04, web05, web06, web07, web08 and 12 more. [y/n]');
  });

  it('a text field takes printable keys only; PgUp, PgDn and End still move the output', async () => {
    const run = new Run(TABLE, { pauseToRead: true }).inventory();
    const { store, app } = mount(run.state, 100, 20);
    for (let index = 0; index < 200; index++) store.output('up', 'stdout', `line ${index}`);
    app.stdin.write('v');
    ask(store, { kind: 'input', question: 'Change ticket' });
    await frameWhere(app, (frame) => frame.includes('Change ticket') && frame.includes('following'));
    await tick();
    app.stdin.write(KEY.ctrlA);
    await tick();
    app.stdin.write('C');
    await tick();
    app.stdin.write(KEY.pageUp);
    expect(await frameWhere(app, (frame) => frame.includes('End follows'))).toContain('› C');
    expect(app.lastFrame()).not.toContain('› aC');
    app.stdin.write(KEY.end);
    expect(await frameWhere(app, (frame) => frame.includes('following'))).toContain('following');
    expect(app.lastFrame()).toContain('› C');
  });

  it('unticking a VM changes the count and its planned action', async () => {
    const shutdown = `runbook: 1\ntitle: P\nsteps:\n  - { id: down, title: Down, shutdown: {} }\n`;
    const run = new Run(shutdown).inventory();
    const { store, app } = mount(run.state, 120, 30);
    const prompt = run.state.effect?.type === 'prompt' ? run.state.effect.prompt : undefined;
    expect(prompt?.kind).toBe('select-vms');
    ask(store, prompt!);
    expect(await frameWhere(app, (frame) => frame.includes('(3 of 3 ticked)'))).toContain('(3 of 3 ticked)');
    await tick();
    expect(app.lastFrame()).toMatch(/│ web01 +│ running +│ 2 +│ 4 GiB +│ web +│ shut down/);
    app.stdin.write(' ');
    expect(await frameWhere(app, (frame) => frame.includes('(2 of 3 ticked)'))).toContain('(2 of 3 ticked)');
    expect(app.lastFrame()).toMatch(/│ web01 +│ running .*leave as is \(unticked\)/);
  });
});

describe('the VM asked about', () => {
  it('is scrolled into view in the VM table', async () => {
    const many: Vm[] = Array.from({ length: 300 }, (_, index) => ({ ...VMS[0]!, name: `vm${String(index).padStart(4, '0')}` }));
    const run = new Run(`runbook: 1\ntitle: P\nsteps:\n  - { id: down, title: Down, shutdown: {} }\n`).inventory(many);
    run.answer(many.map((vm) => vm.name)).power({ vm0150: 'timeout' });
    expect(run.state.awaiting).toMatchObject({ purpose: 'step', vm: 'vm0150' });
    const { store, app } = mount(run.state, 100, 30);
    const prompt = run.state.effect?.type === 'prompt' ? run.state.effect.prompt : undefined;
    ask(store, prompt!);
    const frame = await frameWhere(app, (text) => text.includes('│ vm0150'));
    expect(frame).toMatch(/│ vm0150 +│/);
    expect(frame).not.toContain('│ vm0000');
  });
});

describe('the VM under the cursor of the shutdown set', () => {
  it('is scrolled into view as the cursor moves past the rows the table shows', async () => {
    const many: Vm[] = Array.from({ length: 80 }, (_, index) => ({ ...VMS[0]!, name: `vm${String(index).padStart(3, '0')}` }));
    const run = new Run(`runbook: 1\ntitle: P\nsteps:\n  - { id: down, title: Down, shutdown: {} }\n`).inventory(many);
    const { store, app } = mount(run.state, 100, 30);
    const prompt = run.state.effect?.type === 'prompt' ? run.state.effect.prompt : undefined;
    expect(prompt?.kind).toBe('select-vms');
    ask(store, prompt!);
    const first = await frameWhere(app, (frame) => frame.includes('│ vm000'));
    expect(first).not.toMatch(/│ vm040 +│/);
    await tick();
    for (let press = 0; press < 40; press++) {
      app.stdin.write('\u001B[B');
      await tick();
    }
    const frame = await frameWhere(app, (text) => /│ vm040 +│/.test(text));
    expect(frame).toMatch(/│ vm040 +│ running/);
    expect(frame).not.toMatch(/│ vm000 +│/);
  });
});

describe('following the run', () => {
  it('a new step puts the pane back to following and clears the search message', async () => {
    const yaml = `runbook: 1\ntitle: P\nsteps:\n  - { id: a, title: A, run: "true" }\n  - { id: b, title: B, run: "true" }\n`;
    const run = new Run(yaml);
    const { store, app } = mount(run.state, 100, 20);
    for (let index = 0; index < 100; index++) store.output('a', 'stdout', `line ${index}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await frameWhere(app, (frame) => frame.includes('line 99'));
    app.stdin.write(KEY.pageUp);
    await frameWhere(app, (frame) => frame.includes('End follows'));
    app.stdin.write('/');
    await frameWhere(app, (frame) => frame.includes('Esc close'));
    await tick();
    app.stdin.write('nothing-like-this\r');
    expect(await frameWhere(app, (frame) => frame.includes('no earlier'))).toContain('no earlier line contains "nothing-like-this"');
    expect(app.lastFrame()).toContain('End follows');
    const previous = run.state;
    run.exec(0);
    store.state(run.state, previous);
    expect(await frameWhere(app, (frame) => !frame.includes('no earlier'))).not.toContain('no earlier line contains');
    expect(app.lastFrame()).toContain('following');
  });

  it('a running step shows its elapsed time', async () => {
    const yaml = `runbook: 1\ntitle: P\nsteps:\n  - { id: a, title: Long step, run: "sleep 100" }\n`;
    const run = new Run(yaml);
    const state = { ...run.state, steps: run.state.steps.map((step) => ({ ...step, startedAt: Date.now() - 65_000 })) };
    const { app } = mount(state, 100, 20);
    await tick();
    expect(app.lastFrame()).toMatch(/Long step \(run\) · 1m0[56]s/);
  });
});
