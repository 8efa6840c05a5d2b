// Runs a walk in the full-screen console: mounts Ink, drives the run, and leaves the terminal as it
// found it, even if something throws.
import { render } from 'ink';
import type { RunState } from '../engine/types.js';
import { UI_MAX_FPS } from '../limits.js';
import { RunDriver, type RunDeps } from '../run/drive-run.js';
import { App } from './App.js';
import { RunStore } from './run-store.js';

export interface ConsoleOptions {
  training: boolean;
  outputPath: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Lets signal handlers reach the driver. */
  onDriver?: (driver: RunDriver) => void;
}

const SHOW_CURSOR = '\u001B[?25h';

export async function runConsole(initial: RunState, deps: Omit<RunDeps, 'prompter' | 'observer'>, options: ConsoleOptions): Promise<RunState> {
  const store = new RunStore(initial, options.outputPath);
  const driver = new RunDriver(initial, { ...deps, prompter: store, observer: store });
  options.onDriver?.(driver);
  let exit: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    exit = resolve;
  });
  const restore = () => options.stdout.write(SHOW_CURSOR);
  process.once('exit', restore);
  const app = render(<App store={store} driver={driver} training={options.training} onExit={() => exit()} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: UI_MAX_FPS,
    incrementalRendering: false,
  });
  try {
    const end = await driver.run();
    // The summary stays up until the operator has read it; quitting or an interruption leaves at once.
    if (end.phase !== 'aborted') await exited;
    return end;
  } finally {
    app.unmount();
    await app.waitUntilExit().catch(() => {});
    store.close();
    restore();
    process.off('exit', restore);
  }
}
