import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameClock } from '../../src/ui/frame-clock.js';

afterEach(() => vi.useRealTimers());

describe('frame clock', () => {
  it('draws the first change at once, then a burst of changes as one frame a frame, the last always', async () => {
    vi.useFakeTimers();
    const clock = new FrameClock(50, () => Date.now());
    const heard: string[] = [];
    clock.subscribe(() => heard.push('state'));
    clock.subscribe(() => heard.push('output'));
    clock.request();
    clock.request();
    // Not in the middle of the change that asked, nor in its turn of the event loop: on the next.
    expect(heard).toEqual([]);
    await Promise.resolve();
    expect(heard).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(heard).toEqual(['state', 'output']);
    // 5,000 changes over the next 120 ms: a frame at 50, 100 and 150 ms, not 5,000.
    for (let change = 0; change < 5000; change++) {
      if (change % 1000 === 0) vi.advanceTimersByTime(24);
      clock.request();
    }
    vi.advanceTimersByTime(200);
    expect(heard).toHaveLength(8);
    clock.close();
  });

  it('stops when closed', async () => {
    vi.useFakeTimers();
    const clock = new FrameClock(50, () => Date.now());
    let ticks = 0;
    clock.subscribe(() => ticks++);
    clock.request();
    vi.advanceTimersByTime(0);
    clock.request();
    clock.close();
    vi.advanceTimersByTime(200);
    expect(ticks).toBe(1);
  });
});
