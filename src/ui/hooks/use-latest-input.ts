import { useInput, type Key } from 'ink';
import { useLayoutEffect, useRef } from 'react';

/**
 * Ink's useInput, always with the handler of the frame on screen. useInput swaps its handler in a
 * passive effect, which runs a moment after the frame is drawn: a key in that moment reached the
 * previous frame's handler (at 5,000 VMs, a PgDn just after the VM table appeared scrolled the
 * output pane behind it, and the table stayed put). The handler is taken in a layout effect, in
 * the same commit as the frame. Ink still subscribes anew each render, as before, so the order in
 * which handlers hear a key does not change.
 */
export function useLatestInput(handler: (input: string, key: Key) => void, options?: { isActive?: boolean }): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useInput((input, key) => latest.current(input, key), options);
}
