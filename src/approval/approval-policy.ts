// Which steps wait for a second operator, and on what terms: the step's own `approval:` wins over
// the top-level list. Pure: the engine and lint both ask here.
import type { Runbook, Step } from '../runbook/schema.js';

export interface ApprovalPolicy {
  /** The driver's own Unix account may approve, after typing a name (a team sharing one account). */
  allowSameAccount: boolean;
}

export function approvalFor(runbook: Runbook, step: Step): ApprovalPolicy | undefined {
  const own = step.approval;
  if (own !== undefined) return { allowSameAccount: typeof own === 'object' && own.allow_same_account === true };
  const top = runbook.approval;
  if (top?.steps.includes(step.id)) return { allowSameAccount: top.allow_same_account === true };
  return undefined;
}
