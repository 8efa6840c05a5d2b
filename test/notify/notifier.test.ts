// The notifier on its own: events from journal records, retries with backoff (bounded), masking,
// the idle `waiting` notice, and a queue that never grows past its bound.
import { describe, expect, it, vi } from 'vitest';
import { NOTIFY_ATTEMPTS, NOTIFY_QUEUE_MAX } from '../../src/limits.js';
import { Notifier, type NotifyFailure } from '../../src/notify/notifier.js';
import type { NotifyEvent } from '../../src/notify/notify-events.js';
import type { JournalRecord } from '../../src/journal/records.js';

const facts = () => ({ run: 'r1', runbook: 'Patch kvm01', host: 'kvm01', operator: 'ann' });
const TARGET = { webhook: 'https://hooks.example/T0/B0/token' };

function notifier(deliver: (event: NotifyEvent) => Promise<void>, extra: Partial<ConstructorParameters<typeof Notifier>[0]> = {}) {
  const failures: NotifyFailure[] = [];
  const sleeps: number[] = [];
  const made = new Notifier({
    targets: [TARGET],
    idleMs: 1000,
    facts,
    mask: (text) => text.split('hunter22').join('********'),
    onFailure: (failure) => failures.push(failure),
    deliver: (_target, event) => deliver(event),
    sleep: async (ms) => void sleeps.push(ms),
    ...extra,
  });
  return { made, failures, sleeps };
}

const records: JournalRecord[] = [
  { type: 'step-end', at: 1, step: 'upgrade', status: 'failed', message: 'exit 100 (password hunter22 rejected)' },
  { type: 'step-end', at: 2, step: 'notes', status: 'done' },
  { type: 'effect-start', at: 3, step: 'reboot', effect: 4, action: 'reboot', detail: 'kvm01' },
  { type: 'event', at: 4, event: { type: 'reboot-done', effectId: 4, outcome: 'back', at: 4 } },
  { type: 'event', at: 5, event: { type: 'reboot-done', effectId: 5, outcome: 'timeout', message: 'not back in 15m', at: 5 } },
  {
    type: 'approval-requested',
    at: 6,
    step: 'reboot',
    effect: 6,
    request: 'q1',
    title: 'Reboot the host',
    summary: 'reboot kvm01',
    vms: [],
    commands: [],
    allow_same_account: false,
    driver: { user: 'ann', uid: 1000, host: 'jump', tty: null, ssh_client: null } as never,
  },
  { type: 'run-end', at: 7, phase: 'failed', outcome: 'step upgrade failed' },
];

describe('Notifier', () => {
  it('turns journal records into notifications, masked, each naming the run', async () => {
    const sent: NotifyEvent[] = [];
    const { made } = notifier(async (event) => void sent.push(event), { beforeEnd: () => [{ event: 'vm-not-back', vm: 'db01', say: 'db01 is not back' }] });
    made.records(records);
    expect(await made.flush(1000)).toBe(0);
    expect(sent.map((event) => event.event)).toEqual(['step-failed', 'reboot-started', 'host-back', 'host-not-back', 'approval-requested', 'vm-not-back', 'run-ended']);
    expect(sent[0]).toMatchObject({ run: 'r1', host: 'kvm01', step: 'upgrade', operator: 'ann' });
    expect(sent[0]?.text).toContain('step upgrade failed: exit 100 (password ******** rejected)');
    expect(JSON.stringify(sent)).not.toContain('hunter22');
    expect(sent.at(-1)).toMatchObject({ phase: 'failed', outcome: 'step upgrade failed' });
  });

  it('retries a failed send with growing waits, notes each failure, and gives up after the last attempt', async () => {
    let calls = 0;
    const { made, failures, sleeps } = notifier(async () => {
      calls++;
      throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    made.notify({ event: 'run-started', say: 'the run started' });
    expect(await made.flush(1000)).toBe(0);
    expect(calls).toBe(NOTIFY_ATTEMPTS);
    expect(sleeps).toEqual(Array.from({ length: NOTIFY_ATTEMPTS - 1 }, (_, index) => sleeps[0]! * 2 ** index));
    expect(failures.map((failure) => [failure.attempt, failure.final, failure.error])).toEqual(
      Array.from({ length: NOTIFY_ATTEMPTS }, (_, index) => [index + 1, index === NOTIFY_ATTEMPTS - 1, 'ECONNREFUSED']),
    );
    // Named by its origin: a webhook's path is its secret.
    expect(failures[0]?.target).toBe('webhook https://hooks.example');
  });

  it('sends after a retry that succeeds', async () => {
    let calls = 0;
    const sent: string[] = [];
    const { made, failures } = notifier(async (event) => {
      if (++calls === 1) throw new Error('HTTP 503');
      sent.push(event.event);
    });
    made.notify({ event: 'run-started', say: 'started' });
    await made.flush(1000);
    expect(sent).toEqual(['run-started']);
    expect(failures).toEqual([expect.objectContaining({ error: 'HTTP 503', attempt: 1, final: false })]);
  });

  it('never makes the run wait: records return while a send hangs; flush gives up after its time, and close ends the send', async () => {
    let aborted = false;
    const { made, failures } = notifier(() => new Promise<void>(() => {}), {
      deliver: (_target, _event, signal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted'))))),
    });
    made.records(records);
    expect(await made.flush(10)).toBeGreaterThan(0);
    made.close();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(aborted).toBe(true);
    // Ended on purpose: not a failure to note.
    expect(failures).toEqual([]);
  });

  it('keeps at most NOTIFY_QUEUE_MAX waiting per target', async () => {
    const { made, failures } = notifier(() => new Promise<void>(() => {}));
    for (let index = 0; index < NOTIFY_QUEUE_MAX + 50; index++) made.notify({ event: 'step-failed', say: `n${index}` });
    expect(await made.flush(0)).toBe(NOTIFY_QUEUE_MAX);
    expect(failures).toEqual([expect.objectContaining({ error: expect.stringContaining('the oldest are dropped'), final: true })]);
    made.close();
  });

  it('sends one `waiting` notice when a prompt waits longer than idle, none when it is answered in time', async () => {
    vi.useFakeTimers();
    try {
      const sent: NotifyEvent[] = [];
      const { made } = notifier(async (event) => void sent.push(event));
      made.records([{ type: 'prompt', at: 0, step: 'reboot', effect: 3, kind: 'confirm', question: 'Reboot kvm01 now?' }]);
      await vi.advanceTimersByTimeAsync(999);
      expect(sent).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(sent).toEqual([expect.objectContaining({ event: 'waiting', question: 'Reboot kvm01 now?' })]);
      made.records([
        { type: 'answer', at: 0, step: 'reboot', question: 'Reboot kvm01 now?', answer: 'yes', by: 'operator' },
        { type: 'prompt', at: 0, step: 'start', effect: 4, kind: 'confirm', question: 'Start?' },
        { type: 'answer', at: 0, step: 'start', question: 'Start?', answer: 'yes', by: 'operator' },
      ]);
      await vi.advanceTimersByTimeAsync(5000);
      expect(sent).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
