import { createContext, useContext, useEffect, useState } from 'react';
import type { FrameClock } from '../frame-clock.js';

/** The console's frame clock, when there is one: clocks then tick with the other redraws. */
export const FramesContext = createContext<FrameClock | undefined>(undefined);

type Listener = (now: number) => void;

/**
 * One timer per interval (and frame clock) for every clock on screen: they tick in the same turn,
 * so React commits them together; with the console's frames they tick in one of its frames, so a
 * clock costs Ink no frame of its own beside a flood of output.
 */
const ticking = new Map<string, { listeners: Set<Listener>; stop: () => void }>();
const frameIds = new WeakMap<FrameClock, number>();
let lastFrameId = 0;

function start(intervalMs: number, frames: FrameClock | undefined): { listeners: Set<Listener>; stop: () => void } {
  const listeners = new Set<Listener>();
  const tell = () => {
    const now = Date.now();
    for (const listener of listeners) listener(now);
  };
  if (!frames) {
    const timer = setInterval(tell, intervalMs);
    return { listeners, stop: () => clearInterval(timer) };
  }
  let due = false;
  const unsubscribe = frames.subscribe(() => {
    if (!due) return;
    due = false;
    tell();
  });
  const timer = setInterval(() => {
    due = true;
    frames.request();
  }, intervalMs);
  return {
    listeners,
    stop: () => {
      clearInterval(timer);
      unsubscribe();
    },
  };
}

function subscribe(intervalMs: number, frames: FrameClock | undefined, listener: Listener): () => void {
  if (frames && !frameIds.has(frames)) frameIds.set(frames, ++lastFrameId);
  const key = `${intervalMs}:${frames ? frameIds.get(frames) : 0}`;
  let clock = ticking.get(key);
  if (!clock) {
    clock = start(intervalMs, frames);
    ticking.set(key, clock);
  }
  const { listeners, stop } = clock;
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stop();
      ticking.delete(key);
    }
  };
}

/** The current time, ticking once a second while mounted. */
export function useClock(intervalMs = 1000): number {
  const frames = useContext(FramesContext);
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribe(intervalMs, frames, setNow), [intervalMs, frames]);
  return now;
}
