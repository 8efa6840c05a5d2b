import { useEffect, useState } from 'react';
import { OUTPUT_FRAME_MS, STATE_FRAME_MS } from '../../limits.js';
import type { RunStore } from '../run-store.js';

/**
 * Re-renders for run-state and prompt changes: the first at once, then at most one a frame, the
 * last always drawn. A prompt shows without delay; a flood of VM changes costs one render a frame.
 */
export function useRunVersion(store: RunStore): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let drawnAt = 0;
    const draw = () => {
      timer = undefined;
      drawnAt = Date.now();
      setVersion(store.version);
    };
    // A change between the first render and this subscription is not lost.
    if (store.version !== version) draw();
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      const wait = drawnAt + STATE_FRAME_MS - Date.now();
      if (wait <= 0) draw();
      else timer = setTimeout(draw, wait);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
    // Subscribed once per store; `version` is only the starting point.
  }, [store]);
  return version;
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
