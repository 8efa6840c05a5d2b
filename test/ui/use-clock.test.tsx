import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { FrameClock } from '../../src/ui/frame-clock.js';
import { FramesContext, useClock } from '../../src/ui/hooks/use-clock.js';

function Ticks({ seen }: { seen: number[] }) {
  const now = useClock(100);
  seen.push(now);
  return <Text>{now}</Text>;
}

describe('clocks in the console', () => {
  it('tick inside the console\'s frames, so a tick is never a frame of its own', async () => {
    const frames = new FrameClock(50);
    const request = vi.spyOn(frames, 'request');
    const seen: number[] = [];
    const app = render(
      <FramesContext.Provider value={frames}>
        <Ticks seen={seen} />
        <Ticks seen={seen} />
      </FramesContext.Provider>,
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(request.mock.calls.length).toBeGreaterThanOrEqual(2);
    // Both clocks moved on together, once per tick.
    expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
    expect(seen.length % 2).toBe(0);
    app.unmount();
    frames.close();
  });
});
