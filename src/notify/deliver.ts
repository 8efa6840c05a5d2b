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
      const said = typeof result.stderr === 'string' ? result.stderr.trim().split('\n').at(-1) : '';
      throw new Error(result.exitCode !== undefined ? `exit ${result.exitCode}${said ? `: ${said}` : ''}` : result.shortMessage);
    }
    return;
  }
  const response = await fetch(target.webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: event.text, patchwalk: event }),
    signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(NOTIFY_TIMEOUT_MS)]) : AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
    redirect: 'error',
  });
  // The body is not needed (and not bounded): cancelling it frees the connection.
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
};
