// The report's list of two-person approvals: who asked, who answered, from where, when, what and
// why, with a shared account flagged. Gathered while the report streams the journal.
import type { JournalRecord } from '../journal/records.js';
import { describeApprover } from './approver-text.js';

export interface ReportApproval {
  step: string;
  /** What was to be approved: the request's summary, as the approver saw it. */
  what: string;
  requested_at: number;
  requested_by: string;
  decision: 'granted' | 'denied' | 'pending';
  decided_at: number | null;
  /** "bob (uid 1001) from SSH client 10.0.0.5", or the typed name with "same account …". */
  by: string | null;
  user: string | null;
  ssh_client: string | null;
  same_account: boolean;
  reason: string | null;
}

export class ApprovalCollector {
  private readonly byRequest = new Map<string, ReportApproval>();

  add(record: JournalRecord): void {
    if (record.type === 'approval-requested') {
      this.byRequest.set(record.request, {
        step: record.step,
        what: record.summary,
        requested_at: record.at,
        requested_by: `${record.driver.user}${record.driver.ssh_client ? ` from ${record.driver.ssh_client}` : ''}`,
        decision: 'pending',
        decided_at: null,
        by: null,
        user: null,
        ssh_client: null,
        same_account: false,
        reason: null,
      });
      return;
    }
    if (record.type !== 'approval-granted' && record.type !== 'approval-denied') return;
    const entry = this.byRequest.get(record.request);
    if (!entry) return;
    entry.decision = record.type === 'approval-granted' ? 'granted' : 'denied';
    entry.decided_at = record.at;
    entry.by = describeApprover(record.approver);
    entry.user = record.approver.user;
    entry.ssh_client = record.approver.ssh_client;
    entry.same_account = record.approver.same_account;
    entry.reason = record.reason ?? null;
  }

  get approvals(): ReportApproval[] {
    return [...this.byRequest.values()];
  }
}
