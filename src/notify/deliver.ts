// Sends one notification to one target: a command hook gets the event as JSON on stdin (no shell,
// a timeout, bounded output), a webhook a POST of JSON whose `text` chat services show. Resolves
// when delivered; rejects with a short reason otherwise.
import { execa } from 'execa';
import { NOTIFY_OUTPUT_MAX_BYTES, NOTIFY_TIMEOUT_MS } from '../limits.js';
import type { NotifyTargetSpec } from './notify-spec.js';
import type { NotifyEvent } from './notify-events.js';

/** `signal` ends a send that patchwalk no longer waits for (it is exiting). */
export type Deliver = (target: NotifyTargetSpec, event: NotifyEvent, signal?: AbortSignal) => Promise<void>;

export const deliver: Deliver = async (target, event, signal) => {
  if ('command' in target) {
    const [file, ...args] = target.command;
    if (!file) throw new Error('the command is empty');
    const result = await execa(file, args, {
      input: `${JSON.stringify(event)}\n`,
      stdout: 'ignore',
      timeout: NOTIFY_TIMEOUT_MS,
      maxBuffer: NOTIFY_OUTPUT_MAX_BYTES,
      reject: false,
      forceKillAfterDelay: 1000,
      ...(signal ? { cancelSignal: signal } : {}),
    });
    if (result.timedOut) throw new Error(`timed out after ${NOTIFY_TIMEOUT_MS / 1000}s`);
    if (result.failed) {
      const said = typeof result.stderr === 'string' ? (result.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200) : '';
      throw new Error(result.exitCode !== undefined ? `exit ${result.exitCode}${said ? `: ${said}` : ''}` : result.shortMessage);
    }
    return;
  }
  // One signal for both the timeout and patchwalk giving up (AbortSignal.any needs Node 20.3).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${NOTIFY_TIMEOUT_MS / 1000}s`)), NOTIFY_TIMEOUT_MS);
  const giveUp = () => controller.abort(new Error('patchwalk stopped waiting'));
  signal?.addEventListener('abort', giveUp, { once: true });
  try {
    const response = await fetch(target.webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: event.text, patchwalk: event }),
      signal: controller.signal,
      redirect: 'error',
    });
    // The body is not needed (and not bounded): cancelling it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    throw controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', giveUp);
  }
};
