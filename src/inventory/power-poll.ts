// Power changes on a real hypervisor: issue the command, then watch the VM's state until it gets
// where it should, each VM with its own timeout, at most `concurrency` at a time. The states of
// all VMs being watched are read together: one read (one `virsh domstats`, say) answers every VM
// waiting at that moment, so a change of 200 VMs costs a few dozen reads, not a few per VM.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VmAction, VmResult, VmState } from '../engine/types.js';
import { VM_STATE_POLL_MS } from '../limits.js';
import { forEachBounded, type PowerRequest } from './provider.js';

/** A change the tool took, with the VM's state read right after it (in the same call). */
export interface Issued {
  state: VmState;
}

export interface PowerOps {
  /**
   * Starts the change; resolves with an error message when the tool refused, undefined (or the
   * state it read just after) when it took it.
   */
  issue(action: VmAction, name: string, options: { to?: string; timeoutMs: number; signal: AbortSignal }): Promise<string | undefined | Issued>;
  /** The VM's state now; throws with a clear message when it cannot be read. Used when `states` is absent. */
  state?(name: string): Promise<VmState>;
  /**
   * The states of several VMs in one read. A VM missing from the answer gets `missing(name)` as its
   * error; a throw is the error of every VM in the read.
   */
  states?(names: string[]): Promise<Map<string, VmState>>;
  missing?(name: string): string;
  /** The tool returns only once the VM has got there (libvirt's start and destroy): no watching. */
  settles?(action: VmAction): boolean;
}

const TARGET: Record<VmAction, VmState> = { shutdown: 'shut-off', poweroff: 'shut-off', start: 'running', migrate: 'migrated' };
const VIA: Record<VmAction, VmState> = { shutdown: 'shutting-down', poweroff: 'shutting-down', start: 'starting', migrate: 'migrating' };

interface Waiter {
  name: string;
  due: number;
  resolve: (state: VmState | Error) => void;
}

/**
 * Coalesces state reads. A VM asks for its state no sooner than `delayMs` from now; each read
 * answers every VM whose time has come and that asked before the read began.
 */
export class StateReader {
  private waiters: Waiter[] = [];
  private reading = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  /** Each VM's state at the last read that answered it, and when that read began. */
  private latest = new Map<string, { state: VmState | Error; at: number }>();
  /** Reads so far, for tests. */
  reads = 0;

  constructor(private readonly ops: Pick<PowerOps, 'state' | 'states' | 'missing'>) {}

  /**
   * The VM's state from a read that begins `delayMs` from now or later; or, given `since`, from
   * any read that began at `since` or later (the first look at each VM of a request shares one).
   */
  read(name: string, delayMs = 0, since?: number): Promise<VmState | Error> {
    const known = since === undefined ? undefined : this.latest.get(name);
    if (known && since !== undefined && known.at >= since) return Promise.resolve(known.state);
    return new Promise((resolve) => {
      this.waiters.push({ name, due: Date.now() + delayMs, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.reading || this.waiters.length === 0) return;
    const due = Math.min(...this.waiters.map((waiter) => waiter.due));
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => void this.run(), Math.max(0, due - Date.now()));
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = Date.now();
    const batch = this.waiters.filter((waiter) => waiter.due <= now);
    this.waiters = this.waiters.filter((waiter) => waiter.due > now);
    if (batch.length > 0) {
      this.reading = true;
      this.reads++;
      const names = [...new Set(batch.map((waiter) => waiter.name))];
      const answers = await this.readStates(names);
      this.reading = false;
      for (const [name, state] of answers) this.latest.set(name, { state, at: now });
      for (const waiter of batch) waiter.resolve(answers.get(waiter.name) ?? new Error(this.ops.missing?.(waiter.name) ?? `cannot read the state of ${waiter.name}`));
    }
    this.schedule();
  }

  private async readStates(names: string[]): Promise<Map<string, VmState | Error>> {
    const answers = new Map<string, VmState | Error>();
    if (this.ops.states) {
      try {
        for (const [name, state] of await this.ops.states(names)) answers.set(name, state);
      } catch (error) {
        for (const name of names) answers.set(name, error as Error);
      }
      return answers;
    }
    const state = this.ops.state;
    if (!state) throw new Error('a provider must read states one way or the other');
    await Promise.all(
      names.map(async (name) => {
        try {
          answers.set(name, await state(name));
        } catch (error) {
          answers.set(name, error as Error);
        }
      }),
    );
    return answers;
  }
}

export async function powerByPolling(request: PowerRequest, ops: PowerOps, pollMs = VM_STATE_POLL_MS): Promise<VmResult[]> {
  const reader = new StateReader(ops);
  const started = Date.now();
  return forEachBounded(request.vms, request.concurrency, (name) => powerOne(name, request, ops, reader, pollMs, started));
}

async function powerOne(name: string, request: PowerRequest, ops: PowerOps, reader: StateReader, pollMs: number, started: number): Promise<VmResult> {
  const target = TARGET[request.action];
  const deadline = Date.now() + request.timeoutMs;
  const done = (state: VmState) => state === target || (request.action !== 'migrate' && request.action !== 'start' && state === 'shut-off');
  // Nothing of this request has touched the VM yet, so any read since the request began will do;
  // should the VM have changed meanwhile, a refused command reads it again below.
  const first = await reader.read(name, 0, started);
  if (first instanceof Error) return { name, outcome: 'error', message: first.message };
  if (done(first)) return { name, outcome: 'ok' };

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = new Promise<'aborted'>((resolve) => stop.signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
  request.onState(name, VIA[request.action]);
  try {
    const issuing = ops.issue(request.action, name, { to: request.to, timeoutMs: request.timeoutMs, signal: stop.signal });
    const refused = await Promise.race([issuing, aborted, sleep(Math.max(1, deadline - Date.now()), 'timeout' as const, { ref: false })]);
    if (refused === 'aborted') return { name, outcome: 'error', message: 'aborted' };
    if (refused === 'timeout') return { name, outcome: 'timeout' };
    let delay = 0;
    if (typeof refused === 'object') {
      // The tool said where the VM is right after taking the change: no read needed for it.
      if (refused.state === target) {
        request.onState(name, target);
        return { name, outcome: 'ok' };
      }
      delay = pollMs;
    } else if (refused !== undefined) {
      // The VM may have got there on its own since it was last read (a guest shutting itself down).
      const now = await reader.read(name);
      if (!(now instanceof Error) && done(now)) {
        request.onState(name, now);
        return { name, outcome: 'ok' };
      }
      return { name, outcome: 'error', message: refused };
    }
    if (request.action === 'migrate' || ops.settles?.(request.action)) {
      // A live migration command returns when the migration is over; so does libvirt's start.
      request.onState(name, target);
      return { name, outcome: 'ok' };
    }
    let last: VmState = VIA[request.action];
    for (;;) {
      const answer = await Promise.race([reader.read(name, Math.min(delay, Math.max(0, deadline - Date.now()))), aborted]);
      if (answer === 'aborted') return { name, outcome: 'error', message: 'aborted' };
      if (answer instanceof Error) return { name, outcome: 'error', message: answer.message };
      if (answer === target) {
        request.onState(name, target);
        return { name, outcome: 'ok' };
      }
      if (answer !== last && answer !== 'running' && answer !== 'unknown') request.onState(name, answer);
      last = answer;
      if (Date.now() >= deadline) return { name, outcome: 'timeout' };
      delay = pollMs;
    }
  } finally {
    stop.abort();
    request.signal?.removeEventListener('abort', onAbort);
  }
}
