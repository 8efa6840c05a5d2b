// What the people around the window are told, derived from the journal's records as they are
// written, so the engine stays pure and a new kind of record (approval-requested) is one case here.
import type { JournalRecord } from '../journal/records.js';

export const NOTIFY_EVENTS = [
  'run-started',
  'waiting',
  'step-failed',
  'approval-requested',
  'reboot-started',
  'host-back',
  'host-not-back',
  'vm-not-back',
  'run-ended',
] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

/** One notification: `text` is the line a chat shows; the rest is for scripts. */
export interface NotifyEvent {
  event: NotifyEventName;
  text: string;
  at: string;
  run: string;
  runbook: string;
  host: string;
  operator: string;
  step?: string;
  vm?: string;
  question?: string;
  phase?: string;
  outcome?: string;
}

/** Who and what every notification of a run names. */
export interface RunFacts {
  run: string;
  runbook: string;
  host: string;
  operator: string;
}

export type EventDraft = Omit<NotifyEvent, keyof RunFacts | 'at' | 'text'> & { say: string };

/** The notification a journal record means, if any (idle waits are timed by the notifier). */
export function eventOfRecord(record: JournalRecord): EventDraft | undefined {
  switch (record.type) {
    case 'approval-requested':
      return { event: 'approval-requested', step: record.step, say: `waits for a second operator's approval at step ${record.step}: ${record.summary}` };
    case 'step-end':
      return record.status === 'failed' ? { event: 'step-failed', step: record.step, say: `step ${record.step} failed${record.message ? `: ${record.message}` : ''}` } : undefined;
    case 'effect-start':
      return record.action === 'reboot' ? { event: 'reboot-started', step: record.step, say: `the host ${record.detail} is rebooting (step ${record.step})` } : undefined;
    case 'event': {
      const event = record.event;
      if (event.type !== 'reboot-done') return undefined;
      return event.outcome === 'back'
        ? { event: 'host-back', say: 'the host is back after its reboot' }
        : { event: 'host-not-back', say: `the host is not back after its reboot: ${event.message ?? event.outcome}` };
    }
    case 'run-end':
      return { event: 'run-ended', phase: record.phase, outcome: record.outcome, say: `the run ended: ${record.phase}${record.outcome ? ` (${record.outcome})` : ''}` };
    default:
      return undefined;
  }
}

export function notification(facts: RunFacts, partial: EventDraft, at: number): NotifyEvent {
  const { say, ...fields } = partial;
  return { ...fields, ...facts, at: new Date(at).toISOString(), text: `patchwalk ${facts.host}: ${say} · ${facts.runbook} · run ${facts.run} (${facts.operator})` };
}
