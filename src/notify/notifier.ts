// Sends a run's notifications in the background: the run hands over journal records and never
// waits. Each target has its own bounded queue, sent in order; a failed send is noted and retried
// with backoff (NOTIFY_ATTEMPTS in all), then given up on. A prompt left unanswered for `idle`
// sends one `waiting` notification. Every string sent is masked for the run's secrets.
import type { JournalRecord } from '../journal/records.js';
import { maskStrings } from '../journal/secrets.js';
import { NOTIFY_ATTEMPTS, NOTIFY_QUEUE_MAX, NOTIFY_RETRY_BASE_MS } from '../limits.js';
import { formatDuration } from '../runbook/duration.js';
import { deliver as realDeliver, type Deliver } from './deliver.js';
import { describeTarget, type NotifyTargetSpec } from './notify-spec.js';
import { eventOfRecord, notification, type NotifyEvent, type RunFacts } from './notify-events.js';

export interface NotifyFailure {
  event: string;
  target: string;
  error: string;
  attempt: number;
  /** No more attempts will be made. */
  final: boolean;
}

export interface NotifierOptions {
  targets: NotifyTargetSpec[];
  idleMs: number;
  facts: () => RunFacts;
  mask: (text: string) => string;
  onFailure: (failure: NotifyFailure) => void;
  deliver?: Deliver;
  /** Notifications to send just before the run's end is (VMs not back). */
  beforeEnd?: () => Parameters<typeof notification>[1][];
  /** Test seam: how a retry waits. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const sleepUnref = (ms: number) =>
  new Promise<void>((resolve) => {
    // A retry never keeps patchwalk alive: at exit, flush decides how long to wait.
    setTimeout(resolve, ms).unref();
  });

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

class TargetQueue {
  private readonly items: NotifyEvent[] = [];
  private running: Promise<void> | undefined;
  dropped = 0;

  constructor(
    readonly target: NotifyTargetSpec,
    private readonly options: Required<Pick<NotifierOptions, 'deliver' | 'sleep' | 'onFailure'>>,
    private readonly signal: AbortSignal,
  ) {}

  push(event: NotifyEvent): void {
    if (this.items.length >= NOTIFY_QUEUE_MAX) {
      // The one being sent stays; the oldest waiting one goes, and the first drop is said.
      const [dropped] = this.items.splice(1, 1);
      if (this.dropped++ === 0 && dropped) {
        this.options.onFailure({ event: dropped.event, target: describeTarget(this.target), error: `more than ${NOTIFY_QUEUE_MAX} waiting: the oldest are dropped`, attempt: 0, final: true });
      }
    }
    this.items.push(event);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  get pending(): number {
    return this.items.length;
  }

  /** What is still waiting (or being sent), by event name. */
  get waiting(): string[] {
    return this.items.map((item) => item.event);
  }

  get idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    for (let event = this.items[0]; event && !this.signal.aborted; event = this.items[0]) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.options.deliver(this.target, event, this.signal);
          break;
        } catch (error) {
          if (this.signal.aborted) return;
          const final = attempt >= NOTIFY_ATTEMPTS;
          this.options.onFailure({ event: event.event, target: describeTarget(this.target), error: reason(error), attempt, final });
          if (final) break;
          await this.options.sleep(NOTIFY_RETRY_BASE_MS * 2 ** (attempt - 1));
        }
      }
      this.items.shift();
    }
  }
}

export class Notifier {
  private readonly queues: TargetQueue[];
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Ends sends still under way once patchwalk stops waiting for them. */
  private readonly closing = new AbortController();

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
    const settings = { deliver: options.deliver ?? realDeliver, sleep: options.sleep ?? sleepUnref, onFailure: options.onFailure };
    this.queues = options.targets.map((target) => new TargetQueue(target, settings, this.closing.signal));
  }

  /** Hands over journal records as they are written; returns at once. */
  records(records: readonly JournalRecord[]): void {
    for (const record of records) {
      if (record.type === 'prompt') this.waitFor(record.question);
      else if (record.type === 'answer' || record.type === 'run-end' || record.type === 'interrupted') this.stopWaiting();
      if (record.type === 'run-end') for (const partial of this.options.beforeEnd?.() ?? []) this.notify(partial);
      const partial = eventOfRecord(record);
      if (partial) this.send(notification(this.options.facts(), partial, record.at));
    }
  }

  /** A notification that no record carries (the run started, a VM not back at the end). */
  send(event: NotifyEvent): void {
    const masked = maskStrings(event, this.options.mask);
    for (const queue of this.queues) queue.push(masked);
  }

  notify(partial: Parameters<typeof notification>[1]): void {
    this.send(notification(this.options.facts(), partial, this.now()));
  }

  private waitFor(question: string): void {
    this.stopWaiting();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.notify({ event: 'waiting', question, say: `has waited ${formatDuration(this.options.idleMs)} for an answer: ${question}` });
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  private stopWaiting(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Waits up to `ms` for what is queued to be sent; returns how many notifications were left unsent. */
  async flush(ms: number): Promise<number> {
    this.stopWaiting();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.queues.map((queue) => queue.idle)), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    return this.queues.reduce((sum, queue) => sum + queue.pending, 0);
  }

  /** The notifications not sent yet, per target. */
  unsent(): { event: string; target: string }[] {
    return this.queues.flatMap((queue) => queue.waiting.map((event) => ({ event, target: describeTarget(queue.target) })));
  }

  /** Ends every send under way and sends nothing more: a hung webhook must not keep patchwalk alive. */
  close(): void {
    this.stopWaiting();
    this.closing.abort();
  }
}
