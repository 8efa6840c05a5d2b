// The driver's side of a two-person approval: watches the run's approvals folder (fs.watch, with a
// poll besides, since a watch can miss events on network file systems) until a second operator's
// decision for the open request is there, and checks who really wrote it.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { Effect } from '../engine/types.js';
import type { RunFolder } from '../journal/run-folder.js';
import { APPROVAL_POLL_MS } from '../limits.js';
import type { ApprovalAnswer } from '../run/drive-run.js';
import { approvalRequestId } from './approval-request.js';
import { approvalsDir, approverOf, decisionsFor, type FoundDecision } from './decision-file.js';

export interface WaitOptions {
  /** The driver's own uid: its decisions count only when the runbook allows the same account. */
  driverUid: number;
  signal: AbortSignal;
  /** A decision file that does not count, and why (said once per file). */
  onIgnored?: (text: string) => void;
}

/** Why a decision found in the folder does not count, or undefined when it does. */
export function decisionProblem(found: FoundDecision, driverUid: number, allowSameAccount: boolean): string | undefined {
  if (found.ownerUid !== driverUid) return undefined;
  if (!allowSameAccount) return `uid ${driverUid} drives this run and cannot approve it (self-approval)`;
  if (!found.decision.same_account || !found.decision.name) return 'a decision by the driver\'s own account must carry the typed name of who made it';
  return undefined;
}

export function answerOf(found: FoundDecision, driverUid: number): ApprovalAnswer {
  const approver = { ...approverOf(found), same_account: found.ownerUid === driverUid };
  if (!approver.same_account) delete approver.name;
  return { decision: found.decision.decision, approver, ...(found.decision.reason ? { reason: found.decision.reason } : {}) };
}

export function waitForDecision(folder: RunFolder, effect: Extract<Effect, { type: 'approval' }>, options: WaitOptions): Promise<ApprovalAnswer | undefined> {
  const request = approvalRequestId(effect);
  const told = new Set<string>();
  const tell = (key: string, text: string) => {
    if (told.has(key)) return;
    told.add(key);
    options.onIgnored?.(text);
  };
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (answer: ApprovalAnswer | undefined) => {
      if (settled) return;
      settled = true;
      watcher?.close();
      clearInterval(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    const onAbort = () => finish(undefined);
    const look = () => {
      if (settled) return;
      const { found, rejected } = decisionsFor(folder, request);
      for (const bad of rejected) tell(bad.file, `ignored approval file ${bad.file}: it ${bad.why}`);
      for (const candidate of found) {
        const problem = decisionProblem(candidate, options.driverUid, effect.request.allowSameAccount);
        if (problem) tell(`${candidate.ownerUid}`, `ignored the ${candidate.decision.decision === 'granted' ? 'approval' : 'denial'} by ${candidate.decision.user}: ${problem}`);
        else return finish(answerOf(candidate, options.driverUid));
      }
      if (!watcher && existsSync(approvalsDir(folder))) {
        try {
          watcher = watch(approvalsDir(folder), () => look());
          watcher.on('error', () => watcher?.close());
        } catch {
          // The poll still finds it.
        }
      }
    };
    if (options.signal.aborted) return finish(undefined);
    options.signal.addEventListener('abort', onAbort, { once: true });
    timer = setInterval(look, APPROVAL_POLL_MS);
    look();
  });
}
