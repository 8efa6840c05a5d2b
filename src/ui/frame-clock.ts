// One clock for every redraw that is not a key. Run-state changes (a shutdown of 5,000 VMs reports
// them in bursts) and output lines each ask for a frame; everyone subscribed hears it in the same
// tick, so React commits them together and Ink draws one screen for all of them, at most one a
// frame. Keys are not paced here: they redraw at once (Ink's own cap, UI_MAX_FPS, is only a net).

type Listener = () => void;

export class FrameClock {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private drawnAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly frameMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Something changed: drawn as soon as the change is whole when the last frame is a frame old,
   * else at the next frame. Never in the middle of the change: the store tells its output lines
   * before its new version, and a frame between them would draw the new run under the old version.
   * Always from a timer, never a microtask of the change: the work that made the change (an event
   * through the engine and the journal) and the frame that draws it are then two turns of the event
   * loop, with keys and timers between them, instead of one block twice as long.
   */
  request(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.drawnAt + this.frameMs - this.now()));
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private tick(): void {
    if (!this.timer) return;
    this.timer = undefined;
    this.drawnAt = this.now();
    for (const listener of this.listeners) listener();
  }
}
