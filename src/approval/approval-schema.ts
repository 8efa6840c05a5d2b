// The runbook's words for two-person approval: on a step (`approval: two-person`, or
// `{ mode: two-person, allow_same_account: true }`) or once at the top level for several steps
// (`approval: { steps: [reboot, upgrade], allow_same_account: true }`). Lint (approval-lint.ts)
// refuses it on steps that change nothing.
import { z } from 'zod';

export const APPROVAL_MODES = ['two-person'] as const;

export const StepApproval = z
  .union([
    z.enum(APPROVAL_MODES),
    z.strictObject({
      mode: z.enum(APPROVAL_MODES),
      allow_same_account: z
        .boolean()
        .optional()
        .describe('Let the driver\'s own Unix account approve (a team sharing one account); the approver types their name and the report flags it.'),
    }),
  ])
  .describe('two-person: the run waits at this step until another operator runs `patchwalk approve RUN` (or deny).');

export const TopApproval = z
  .strictObject({
    steps: z.array(z.string().min(1)).min(1).describe('Ids of the steps that wait for a second operator\'s approval.'),
    allow_same_account: z.boolean().optional().describe('As on a step: the driver\'s own account may approve after typing a name.'),
  })
  .describe('Two-person approval for the steps listed.');

export type StepApprovalSpec = z.infer<typeof StepApproval>;
export type TopApprovalSpec = z.infer<typeof TopApproval>;
