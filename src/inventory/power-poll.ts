// Power changes on a real hypervisor: issue the command, then watch the VM's state until it gets
// where it should, each VM with its own timeout, at most `concurrency` at a time.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VmAction, VmResult, VmState } from '../engine/types.js';
import { VM_STATE_POLL_MS } from '../limits.js';
import { forEachBounded, type PowerRequest } from './provider.js';

export interface PowerOps {
  /** Starts the change; resolves with an error message when the tool refused, undefined when it took it. */
  issue(action: VmAction, name: string, options: { to?: string; timeoutMs: number; signal: AbortSignal }): Promise<string | undefined>;
  /** The VM's state now; throws with a clear message when it cannot be read. */
  state(name: string): Promise<VmState>;
}

const TARGET: Record<VmAction, VmState> = { shutdown: 'shut-off', poweroff: 'shut-off', start: 'running', migrate: 'migrated' };
const VIA: Record<VmAction, VmState> = { shutdown: 'shutting-down', poweroff: 'shutting-down', start: 'starting', migrate: 'migrating' };

export async function powerByPolling(request: PowerRequest, ops: PowerOps, pollMs = VM_STATE_POLL_MS): Promise<VmResult[]> {
  return forEachBounded(request.vms, request.concurrency, (name) => powerOne(name, request, ops, pollMs));
}

async function powerOne(name: string, request: PowerRequest, ops: PowerOps, pollMs: number): Promise<VmResult> {
  const target = TARGET[request.action];
  const deadline = Date.now() + request.timeoutMs;
  let state: VmState;
  try {
    state = await ops.state(name);
  } catch (error) {
    return { name, outcome: 'error', message: (error as Error).message };
  }
  if (state === target || (request.action !== 'migrate' && request.action !== 'start' && state === 'shut-off')) return { name, outcome: 'ok' };
  if (request.action === 'start' && state === 'running') return { name, outcome: 'ok' };

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  request.onState(name, VIA[request.action]);
  let refused: string | undefined;
  let issued = false;
  const issuing = ops
    .issue(request.action, name, { to: request.to, timeoutMs: request.timeoutMs, signal: stop.signal })
    .then((message) => {
      refused = message;
      issued = true;
    });
  try {
    if (request.action === 'migrate') {
      // A live migration command returns when the migration is over.
      await issuing;
      if (refused) return { name, outcome: 'error', message: refused };
      request.onState(name, 'migrated');
      return { name, outcome: 'ok' };
    }
    let last: VmState = VIA[request.action];
    for (;;) {
      if (request.signal?.aborted) return { name, outcome: 'error', message: 'aborted' };
      if (refused) return { name, outcome: 'error', message: refused };
      if (issued) {
        try {
          state = await ops.state(name);
        } catch (error) {
          return { name, outcome: 'error', message: (error as Error).message };
        }
        if (state === target) {
          request.onState(name, target);
          return { name, outcome: 'ok' };
        }
        if (state !== last && state !== 'running' && state !== 'unknown') request.onState(name, state);
        last = state;
      }
      if (Date.now() >= deadline) return { name, outcome: 'timeout' };
      await Promise.race([sleep(Math.min(pollMs, Math.max(1, deadline - Date.now()))), issued ? undefined : issuing]);
    }
  } finally {
    stop.abort();
    request.signal?.removeEventListener('abort', onAbort);
  }
}
