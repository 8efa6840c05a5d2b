// Many VMs waiting on power changes ask for their state at about the same time; one call to the
// host answers them all (one `pvesh get …/qemu`, one `Get-VM`, one remote loop over vim-cmd), so
// polling costs one call per interval instead of one per VM.

/**
 * Coalesces reads keyed by VM. Every answer comes from a read that started after it was asked for
 * (never an older one), and everyone asking while a read is running shares the next read.
 */
export class StateBatch<T> {
  private pending: { keys: Set<string>; result: Promise<Map<string, T>> } | undefined;
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly read: (keys: string[]) => Promise<Map<string, T>>) {}

  /** The key's value from the next read, or undefined when the read did not return it. */
  async get(key: string): Promise<T | undefined> {
    if (!this.pending) {
      const keys = new Set<string>();
      // A macrotask's wait lets every VM that asks in the same turn join this read.
      const result = this.previous
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => {
          this.pending = undefined;
          return this.read([...keys]);
        });
      this.previous = result.catch(() => undefined);
      this.pending = { keys, result };
    }
    this.pending.keys.add(key);
    return (await this.pending.result).get(key);
  }
}
