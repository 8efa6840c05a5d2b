// The full-screen console around a run that someone else drives: mounts Ink on a run store, and
// leaves the terminal as it found it, even if something throws.
import { render } from 'ink';
import { steadyStateAfterFrame } from '../bench-report.js';
import { isFinished } from '../engine/engine.js';
import type { RunState } from '../engine/types.js';
import { UI_MAX_FPS } from '../limits.js';
import { App } from './App.js';
import { FramesContext } from './hooks/use-clock.js';
import { RunStore } from './run-store.js';
import { warmTextWidth } from './text-width-warmup.js';

export { RunStore };

export interface ConsoleDriver {
  /** q, Ctrl-C or Esc at a text field: the quit question (see RunDriver.requestQuit). */
  requestQuit(): void;
  readonly commandRunning: boolean;
}

export interface MountedConsole {
  store: RunStore;
  /** Resolves when the operator leaves the summary (Enter or q). */
  exited: Promise<void>;
  close(): Promise<void>;
}

const SHOW_CURSOR = '\u001B[?25h';

/**
 * Ink on `store`, with `driver` taking the quit keys; the cursor comes back however the process
 * ends. Shared by the driver's console and the watcher's.
 */
function mountApp(
  store: RunStore,
  driver: (exit: () => void) => ConsoleDriver,
  options: { training: boolean; stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; onFrame?: () => void },
): Omit<MountedConsole, 'store'> {
  let exit: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    exit = resolve;
  });
  const restore = () => options.stdout.write(SHOW_CURSOR);
  process.once('exit', restore);
  const app = render(
    <FramesContext.Provider value={store.frames}>
      <App store={store} driver={driver(() => exit())} training={options.training} onExit={() => exit()} />
    </FramesContext.Provider>, {
    stdin: options.stdin,
    stdout: options.stdout,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: UI_MAX_FPS,
    incrementalRendering: false,
    ...(options.onFrame ? { onRender: options.onFrame } : {}),
  });
  // After the first frame is out, not before it.
  setTimeout(warmTextWidth, 0).unref();
  return {
    exited,
    async close() {
      app.unmount();
      await app.waitUntilExit().catch(() => {});
      store.close();
      restore();
      process.off('exit', restore);
    },
  };
}

export function mountConsole(
  initial: RunState,
  driver: () => ConsoleDriver | undefined,
  options: { training: boolean; outputPath: string; stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream },
): MountedConsole {
  const store = new RunStore(initial, options.outputPath);
  const onFrame = steadyStateAfterFrame(
    () => store.commands > 0,
    () => isFinished(store.run),
  );
  // Until the driver exists, keys that would reach it have nothing to do.
  const proxy: ConsoleDriver = {
    requestQuit: () => driver()?.requestQuit(),
    get commandRunning() {
      return driver()?.commandRunning ?? false;
    },
  };
  return { store, ...mountApp(store, () => proxy, { ...options, onFrame }) };
}

/**
 * The console over a run store fed by a RunFollower (`patchwalk watch`): no driver, no prompts;
 * q leaves at once. Resolves `exited` when the watcher quits.
 */
export function mountWatcher(store: RunStore, options: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream }): Omit<MountedConsole, 'store'> {
  return mountApp(store, (exit) => ({ requestQuit: exit, commandRunning: false }), { ...options, training: false });
}
