// The exec effect of a step: its run command, its wait check or its verify check, expanded for the
// step (and the VM of a per-VM pass), with the display text masked.
import { mustParseDuration } from '../runbook/duration.js';
import type { CommandSpec } from '../runbook/schema-parts.js';
import type { Scope } from './context.js';
import type { NewEffect } from './outcome.js';

export interface ExecOptions {
  on?: 'local' | 'host';
  capture?: boolean;
  env?: Record<string, string>;
  role?: 'verify';
}

export function execEffect(stepId: string, timeout: string | undefined, scope: Scope, spec: CommandSpec, options: ExecOptions): NewEffect {
  // env: values are templates too; they travel with the command, by its private channel.
  const { command, display } = scope.command(spec, options.env);
  return {
    type: 'exec',
    stepId,
    command,
    display,
    on: options.on ?? 'local',
    timeoutMs: timeout ? mustParseDuration(timeout) : undefined,
    capture: Boolean(options.capture),
    ...(options.role ? { role: options.role } : {}),
  };
}

/** Why a command did not succeed, in words. */
export function failureText(event: { exitCode: number | null; timedOut: boolean; error?: string; connectionLost?: boolean }, timeout?: string): string {
  if (event.connectionLost) return event.error ?? 'lost the ssh connection';
  if (event.timedOut) return `timed out after ${timeout ?? 'its timeout'}`;
  if (event.error) return event.error;
  return `exit code ${event.exitCode ?? 'unknown'}`;
}
