// Lint for two-person approval: only a step that changes something (a command, a VM power change,
// a reboot, a revert) can wait for a second operator; a note or an input has nothing to approve.
import { APPROVABLE_KINDS, kindOfStep } from '../kinds/registry.js';
import { didYouMean } from '../runbook/problem.js';
import type { Finding } from '../runbook/structure.js';
import type { PathSegment } from '../runbook/yaml-source.js';

type Raw = Record<string, unknown>;

const isRecord = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

function refusal(kind: string): string {
  return `approval works on ${APPROVABLE_KINDS.join(', ')} steps, not on ${kind}: that step changes nothing a second operator could approve`;
}

export function approvalFindings(data: unknown): Finding[] {
  if (!isRecord(data)) return [];
  const steps = Array.isArray(data.steps) ? data.steps.map((step) => (isRecord(step) ? step : {})) : [];
  const findings: Finding[] = [];
  steps.forEach((step, index) => {
    if (step.approval === undefined) return;
    const kind = kindOfStep(step)?.key;
    if (kind && !APPROVABLE_KINDS.includes(kind)) findings.push({ path: ['steps', index, 'approval'], atKey: true, message: refusal(kind) });
  });
  const top = data.approval;
  if (isRecord(top) && Array.isArray(top.steps)) {
    const ids = steps.map((step) => (typeof step.id === 'string' ? step.id : ''));
    top.steps.forEach((id, position) => {
      if (typeof id !== 'string') return;
      const path: PathSegment[] = ['approval', 'steps', position];
      const index = ids.indexOf(id);
      const step = steps[index];
      if (!step) {
        findings.push({ path, message: `no step "${id}"${didYouMean(id, ids)}` });
        return;
      }
      const kind = kindOfStep(step)?.key;
      if (kind && !APPROVABLE_KINDS.includes(kind)) findings.push({ path, message: `step "${id}": ${refusal(kind)}` });
    });
  }
  return findings;
}
