// The console in watch mode: the driver's view with no prompts, "waiting for … to answer" where the
// question would be, "watching" in the footer, and keys that change nothing; q leaves at once.
import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunState } from '../../src/engine/types.js';
import { App } from '../../src/ui/App.js';
import { RunStore } from '../../src/ui/run-store.js';
import { Run } from '../engine/harness.js';
import { tempDir } from '../helpers/cli.js';

const stores: RunStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function frameWhere(app: { lastFrame: () => string | undefined }, test: (frame: string) => boolean): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 20) {
    const frame = app.lastFrame() ?? '';
    if (test(frame)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return app.lastFrame() ?? '';
}

const RUNBOOK = `runbook: 1
title: Watched
steps:
  - { id: ask, title: Ask, confirm: "Go on?" }
`;
const alice = { user: 'alice', ssh_client: '198.51.100.4', hostname: 'box', pid: 1 };

function mountWatching(state: RunState) {
  const store = new RunStore(state, join(tempDir(), 'out.log'));
  stores.push(store);
  store.state(state, undefined);
  const driver = { requestQuit: vi.fn(), commandRunning: false };
  const onExit = vi.fn();
  store.watch({ driver: alice, waiting: 'waiting for alice (from 198.51.100.4) to answer: Go on?', handover: undefined, interrupted: false, ended: false });
  const app = render(<App store={store} driver={driver} training={false} onExit={onExit} />);
  Object.defineProperty(app.stdout, 'columns', { value: 100 });
  Object.defineProperty(app.stdout, 'rows', { value: 24 });
  app.stdout.emit('resize');
  return { store, app, driver, onExit };
}

describe('the console in watch mode', () => {
  it('shows what the driver is asked and who drives, and no key answers or quits the run', async () => {
    const run = new Run(RUNBOOK);
    expect(run.state.effect?.type).toBe('prompt');
    const { app, driver, onExit } = mountWatching(run.state);
    const frame = await frameWhere(app, (text) => text.includes('waiting for alice'));
    expect(frame).toContain('waiting for alice (from 198.51.100.4) to answer: Go on?');
    expect(frame).toContain('watching · driven by alice (from 198.51.100.4)');
    expect(frame).not.toContain('[y/n]');
    for (const key of ['y', 'n', '\r', ' ', 'a']) app.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(driver.requestQuit).not.toHaveBeenCalled();
    expect(onExit).not.toHaveBeenCalled();
    app.stdin.write('q');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(driver.requestQuit).not.toHaveBeenCalled();
  });

  it('says who took the run over, and why', async () => {
    const run = new Run(RUNBOOK);
    const { store, app } = mountWatching(run.state);
    store.watch({ driver: alice, waiting: undefined, handover: { type: 'handover', at: 1, from: alice, to: { ...alice, user: 'bob', ssh_client: null }, reason: 'shift change', live: true }, interrupted: false, ended: false });
    const frame = await frameWhere(app, (text) => text.includes('taken over by'));
    expect(frame).toContain('taken over by bob (shift change)');
  });
});
