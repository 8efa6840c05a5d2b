import { useEffect, useState, useSyncExternalStore } from 'react';
import { OUTPUT_FRAME_MS } from '../../limits.js';
import type { RunStore } from '../run-store.js';

/** Re-renders on every run-state or prompt change; those are few. */
export function useRunVersion(store: RunStore): number {
  return useSyncExternalStore(
    (listener) => store.subscribe(listener),
    () => store.version,
  );
}

/**
 * Re-renders for new output at most once a frame. Output arrives from process callbacks, which
 * React does not batch: without this a flood of lines would mean a render per line.
 */
export function useOutputFrame(store: RunStore): number {
  const [version, setVersion] = useState(store.outputVersion);
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = store.subscribeOutput(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setVersion(store.outputVersion);
      }, OUTPUT_FRAME_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);
  return version;
}
