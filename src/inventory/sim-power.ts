// How a simulated VM changes power state, shared by the simulated host and the simulated cluster:
// it shows the intermediate state at once and lands after a delay, unless a later change overtook
// it; and waiting for a state polls the way a real provider would.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PowerRequest } from './provider.js';
import type { VmResult, VmState } from '../engine/types.js';
import { SIM_POLL_MS } from '../limits.js';

export interface SimulatedVm {
  spec: { name: string };
  state: VmState;
  /** Bumped by every power change, so a slow shutdown that was overtaken does not land late. */
  generation: number;
}

/** Moves `vm` through `via` to `to` after `delayMs` (already scaled), persisting each change. */
export function transition<T extends SimulatedVm>(
  vm: T,
  change: { via: VmState; to: VmState; delayMs: number },
  persist: () => void,
  onState: PowerRequest['onState'],
  landing?: () => void,
): void {
  const generation = ++vm.generation;
  if (vm.state !== change.via) {
    vm.state = change.via;
    persist();
    onState(vm.spec.name, change.via);
  }
  setTimeout(() => {
    if (vm.generation !== generation) return;
    landing?.();
    vm.state = change.to;
    persist();
    onState(vm.spec.name, change.to);
  }, change.delayMs).unref();
}

/** Polls until `done`, the VM's own timeout, or an abort; `speed` scales the poll as the sim's clock. */
export async function until(name: string, done: () => boolean, wait: { timeoutMs: number; speed: number; signal?: AbortSignal }): Promise<VmResult> {
  const deadline = Date.now() + wait.timeoutMs;
  while (!done()) {
    if (wait.signal?.aborted) return { name, outcome: 'error', message: 'aborted' };
    if (Date.now() >= deadline) return { name, outcome: 'timeout' };
    await sleep(Math.min(SIM_POLL_MS / wait.speed, Math.max(1, deadline - Date.now())));
  }
  return { name, outcome: 'ok' };
}
