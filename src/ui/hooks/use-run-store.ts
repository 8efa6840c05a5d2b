import { useEffect, useState } from 'react';
import type { RunStore } from '../run-store.js';

/** The store's counter, redrawn with the store's frames (see frame-clock.ts). */
function useFramed(store: RunStore, read: () => number): number {
  const [version, setVersion] = useState(read);
  useEffect(() => {
    // A change between the first render and this subscription is not lost.
    setVersion(read());
    return store.frames.subscribe(() => setVersion(read()));
    // Subscribed once per store; `read` reads that store.
  }, [store]);
  return version;
}

/**
 * Re-renders for run-state and prompt changes: the first at once, then at most one a frame, the
 * last always drawn. A prompt shows without delay; a flood of VM changes costs one render a frame.
 */
export function useRunVersion(store: RunStore): number {
  return useFramed(store, () => store.version);
}

/**
 * Re-renders for new output in the same frames. Output arrives from process callbacks, which
 * React does not batch: without this a flood of lines would mean a render per line.
 */
export function useOutputFrame(store: RunStore): number {
  return useFramed(store, () => store.outputVersion);
}
