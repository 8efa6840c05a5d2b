// A key pressed the moment a new frame is on screen acts on that frame, not on the one before it.
import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Vm } from '../../src/engine/types.js';
import { App } from '../../src/ui/App.js';
import { RunStore } from '../../src/ui/run-store.js';
import { Run, VMS } from '../engine/harness.js';
import { tempDir } from '../helpers/cli.js';

const PAGE_DOWN = '\u001B[6~';
const stores: RunStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function frameWhere(app: { lastFrame: () => string | undefined }, test: (frame: string) => boolean): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 20) {
    if (test(app.lastFrame() ?? '')) return app.lastFrame() ?? '';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return app.lastFrame() ?? '';
}

describe('a key just after the screen changed', () => {
  it('pages the VM table that has just appeared, not the output pane it replaced', async () => {
    const many: Vm[] = Array.from({ length: 300 }, (_, index) => ({ ...VMS[0]!, name: `vm${String(index).padStart(4, '0')}` }));
    const run = new Run('runbook: 1\ntitle: P\nsteps:\n  - { id: warm, title: Warm, run: "true" }\n  - { id: down, title: Down, shutdown: {} }\n', { yes: true }).inventory(many);
    run.expectEffect('exec');
    const store = new RunStore(run.state, join(tempDir(), 'out.log'));
    stores.push(store);
    const app = render(<App store={store} driver={{ requestQuit: vi.fn(), commandRunning: true }} training={false} onExit={() => {}} />);
    Object.defineProperty(app.stdout, 'columns', { value: 100 });
    Object.defineProperty(app.stdout, 'rows', { value: 30 });
    app.stdout.emit('resize');
    await frameWhere(app, (frame) => frame.includes('Warm'));

    // The key comes in right after the first frame with the table is written, before anything
    // else the event loop has queued: as a key typed at that moment would.
    const write = app.stdout.write.bind(app.stdout);
    let pressed = false;
    app.stdout.write = (frame: string) => {
      write(frame);
      if (!pressed && frame.includes('VMs 1-')) {
        pressed = true;
        queueMicrotask(() => app.stdin.write(PAGE_DOWN));
      }
    };
    const previous = run.state;
    run.exec(0);
    run.expectEffect('vm-power');
    store.state(run.state, previous);
    const first = (frame: string) => /── VMs (\d+)-\d+ of 300/.exec(frame)?.[1];
    const paged = await frameWhere(app, (frame) => (first(frame) ?? '1') !== '1');
    expect(pressed).toBe(true);
    expect(first(paged)).not.toBe('1');
  });
});
