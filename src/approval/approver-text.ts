// How an approver reads in notices, the journal and the report: "bob from 10.0.0.5", or for a shared
// account "Alice Smith (same account root, from SSH client 10.0.0.5)".
import type { Approver } from '../engine/types.js';

export function describeApprover(approver: Approver): string {
  const from = approver.ssh_client ? `SSH client ${approver.ssh_client}` : `${approver.hostname} (no SSH client)`;
  if (approver.same_account) return `${approver.name ?? '?'} (same account ${approver.user}, from ${from})`;
  return `${approver.user} (uid ${approver.uid}) from ${from}`;
}
