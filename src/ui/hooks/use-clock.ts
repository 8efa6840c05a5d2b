import { useEffect, useState } from 'react';

/** One timer per interval for every clock on screen: they tick in the same turn, so React commits
 * them together and Ink draws one frame a tick, not one per clock. */
const ticking = new Map<number, { timer: NodeJS.Timeout; listeners: Set<(now: number) => void> }>();

function subscribe(intervalMs: number, listener: (now: number) => void): () => void {
  let clock = ticking.get(intervalMs);
  if (!clock) {
    const listeners = new Set<(now: number) => void>();
    const timer = setInterval(() => {
      const now = Date.now();
      for (const each of listeners) each(now);
    }, intervalMs);
    clock = { timer, listeners };
    ticking.set(intervalMs, clock);
  }
  clock.listeners.add(listener);
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size === 0) {
      clearInterval(clock.timer);
      ticking.delete(intervalMs);
    }
  };
}

/** The current time, ticking once a second while mounted. */
export function useClock(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribe(intervalMs, setNow), [intervalMs]);
  return now;
}
