// Where notifications go, as the runbook's `notify:` and the user's settings both write it: a list
// of targets (a command that reads each event as JSON on stdin, or an incoming webhook), and how
// long a prompt may wait before someone is told.
import { z } from 'zod';
import { NOTIFY_TARGETS_MAX } from '../limits.js';
import { Duration } from '../runbook/schema-parts.js';

export const NotifyCommand = z
  .strictObject({
    command: z.array(z.string().min(1)).min(1).max(64).describe('An argv (no shell): it gets each event as one JSON object on stdin.'),
  })
  .describe('A command hook.');

export const NotifyWebhook = z
  .strictObject({
    webhook: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/i, { error: 'must be an http:// or https:// URL' })
      .max(2048)
      .describe('An incoming-webhook URL (Slack, Mattermost, Teams): gets a POST of JSON with a `text` field.'),
  })
  .describe('An incoming webhook.');

export const NotifyTarget = z.union([NotifyCommand, NotifyWebhook]);

export const NotifySettings = z.strictObject({
  targets: z.array(NotifyTarget).max(NOTIFY_TARGETS_MAX).optional(),
  idle: Duration.optional().describe('Tell the targets when a prompt has waited this long for an answer (default 5m).'),
});

/** The runbook's `notify:`: the targets alone, or targets with `idle`. */
export const RunbookNotify = z
  .union([z.array(NotifyTarget).max(NOTIFY_TARGETS_MAX), NotifySettings])
  .describe('Who is told when the run starts, waits for input, fails a step, asks for approval, reboots the host, and ends.');

export type NotifyTargetSpec = z.infer<typeof NotifyTarget>;
export type NotifySettingsSpec = z.infer<typeof NotifySettings>;
export type RunbookNotifySpec = z.infer<typeof RunbookNotify>;

/** The settings form of either spelling. */
export function notifySettingsOf(spec: RunbookNotifySpec | undefined): NotifySettingsSpec {
  if (!spec) return {};
  return Array.isArray(spec) ? { targets: spec } : spec;
}

/** A target as it may be shown: a webhook by its origin only, since its path is often the secret. */
export function describeTarget(target: NotifyTargetSpec): string {
  if ('command' in target) return `command ${target.command[0] ?? ''}`;
  try {
    return `webhook ${new URL(target.webhook).origin}`;
  } catch {
    return 'webhook';
  }
}
