// Waiting for a cluster's maintenance state to change: read it every CLUSTER_MAINTENANCE_POLL_MS
// until it holds, the time is up, or the operator aborts.
import { setTimeout as sleep } from 'node:timers/promises';
import { CLUSTER_MAINTENANCE_POLL_MS, CLUSTER_MAINTENANCE_TIMEOUT_MS } from '../limits.js';

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Resolves when `reached` says so; throws `stuck()` after the timeout, or the abort reason. */
export async function waitUntil(reached: () => Promise<boolean>, stuck: () => string, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? CLUSTER_MAINTENANCE_TIMEOUT_MS);
  for (;;) {
    options.signal?.throwIfAborted();
    if (await reached()) return;
    if (Date.now() >= deadline) throw new Error(stuck());
    await sleep(options.pollMs ?? CLUSTER_MAINTENANCE_POLL_MS, undefined, options.signal ? { signal: options.signal } : {});
  }
}
