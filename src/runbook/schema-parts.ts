// The building blocks of the runbook format that every step kind shares: durations, ids,
// commands, selectors, where a command runs, what happens on failure, and the common step keys.
// Each step kind's own schema lives in its module under src/kinds/.
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { REHEARSAL_OUTPUT_MAX_CHARS, REHEARSAL_OUTPUT_MAX_LINES } from '../limits.js';
import { StepApproval } from '../approval/approval-schema.js';

// zod compiles a fast path (new Function) for each object schema the first time it parses one. A
// runbook is parsed once a command, so compiling cost more than it saved: a fifth of `lint`'s work
// on the runbooks/ folder. Interpreted parsing checks exactly the same.
z.config({ jitless: true });

export const Duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), { error: 'bad duration' })
  .describe('A duration such as 250ms, 90s, 5m or 1h30m.');

export const Identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be lower_snake_case (letters, digits, _)' });

export const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'must be lower-case letters, digits, - or _' })
  .describe('Unique id of the step; used by resume, reports and `steps.<id>` references.');

export const Command = z
  .union([z.string().min(1), z.array(z.string()).min(1)])
  .describe(
    'A string runs through /bin/sh with every {{ value }} shell-quoted; a list is an argv and each {{ value }} stays one argument.',
  );

export const VM_STATES = ['running', 'shut-off', 'paused'] as const;
export const SELECTOR_WORDS = ['all', 'running', 'shut-off', 'paused', 'stopped-by-this-run', 'snapshotted-by-this-run'] as const;

export const SELECTOR_MESSAGE = `expected ${SELECTOR_WORDS.join(', ')}, tag:NAME or name:GLOB`;

export const Selector = z
  .union([
    z.enum(SELECTOR_WORDS),
    z.string().regex(/^(tag|name):.+$/, { error: SELECTOR_MESSAGE }),
    z.array(z.string()).min(1),
  ])
  .describe('Which VMs: a state word, stopped-by-this-run, tag:NAME, name:GLOB, or a list of VM names.');

export const Where = z
  .enum(['local', 'host'])
  .describe('local runs on the operator machine; host runs on the runbook target over ssh.');

export const FAILURE_CHOICES = ['ask', 'retry', 'skip', 'abort'] as const;
export const OnFailure = z
  .union([
    z.enum(FAILURE_CHOICES),
    z.strictObject({
      retry: z.number().int().min(1).max(100).optional(),
      delay: Duration.optional(),
      then: z.enum(['ask', 'skip', 'abort']).optional(),
      revert: StepId.optional().describe('A revert step the failure question offers, to roll the VMs back to their snapshots.'),
    }),
  ])
  .describe('What happens when the step fails: ask (default), retry (once, then ask), skip, abort, { retry: N, then }, or { revert: STEP }.');

export const Common = {
  id: StepId,
  title: z.string().min(1),
  why: z.string().optional().describe('Why this step exists; shown to trainees.'),
  expect: z
    .union([
      z.string(),
      z.strictObject({
        text: z.string().optional().describe('What success looks like, in words (shown only).'),
        exit_code: z.number().int().min(0).max(255).optional().describe('The exit code the step should end with.'),
        output: z.string().min(1).optional().describe('An RE2 pattern the command output should contain (a match anywhere).'),
        vms: z
          .strictObject({ select: Selector, state: z.enum(VM_STATES) })
          .optional()
          .describe('The state the selected VMs should be in once the step is done.'),
      }),
    ])
    .optional()
    .describe('What success looks like: text (shown), or { text, exit_code, output, vms } that guided mode checks after the step.'),
  when: z.string().optional().describe('Condition; the step is skipped when it is false.'),
  timeout: Duration.optional(),
  on_failure: OnFailure.optional(),
  each_vm: Selector.optional().describe('Run this step once for each selected VM, with vm.* in templates.'),
  approval: StepApproval.optional(),
};


/** A canned result for rehearsals (`run --rehearse`), where the command is never executed. */
export const Rehearse = z
  .strictObject({
    output: z
      .union([
        z.string().max(REHEARSAL_OUTPUT_MAX_CHARS),
        z.array(z.union([z.string(), z.strictObject({ stderr: z.string() })])).max(REHEARSAL_OUTPUT_MAX_LINES),
      ])
      .optional()
      .describe('What the command prints in a rehearsal: text (stdout), or a list of lines, each a string (stdout) or { stderr: line }.'),
    exit_code: z.number().int().min(0).max(255).optional().describe('Its exit code in a rehearsal (default 0).'),
    takes: Duration.optional().describe('How long it seems to run in a rehearsal (divided by PATCHWALK_SIM_SPEED).'),
  })
  .describe('The result a rehearsal gives this command instead of running it: { output, exit_code, takes }.');

export type CommandSpec = z.infer<typeof Command>;
export type SelectorSpec = z.infer<typeof Selector>;
export type OnFailureSpec = z.infer<typeof OnFailure>;
export type ExpectSpec = z.infer<typeof Common.expect>;
export type RehearseSpec = z.infer<typeof Rehearse>;
