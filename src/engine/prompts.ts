// Asking the operator, and what --yes and --dry-run answer on their behalf.
import { SECRET_MASK } from './context.js';
import type { Answer, Prompt, PromptAnswer, RunState } from './types.js';

/** The answer given without asking, or undefined when the operator must answer. */
export function automaticAnswer(d: RunState, prompt: Prompt): { value: PromptAnswer; by: Answer['by'] } | undefined {
  const { yes, dryRun } = d.options;
  const consent = d.runbook.unattended === true;
  const by: Answer['by'] = dryRun ? 'dry-run' : 'yes';
  if (!yes && !dryRun) return undefined;
  switch (prompt.kind) {
    case 'continue':
      // A dry run is for reading: it still pauses where the console pauses.
      return yes ? { value: true, by } : undefined;
    case 'confirm':
      return !prompt.destructive || consent || dryRun ? { value: true, by } : undefined;
    case 'type-to-confirm':
      return consent || dryRun ? { value: prompt.expected, by } : undefined;
    case 'select-vms':
      return !prompt.destructive || consent || dryRun ? { value: prompt.selected, by } : undefined;
    case 'choice':
      if (prompt.yesAnswer && (!prompt.destructive || consent || dryRun)) return { value: prompt.yesAnswer, by };
      return prompt.default !== undefined ? { value: prompt.default, by: 'default' } : undefined;
    case 'input':
      return prompt.default !== undefined ? { value: prompt.default, by: 'default' } : undefined;
    case 'go-no-go':
      // Going on past what history says is the operator's call, or the runbook's for unattended runs.
      return consent || dryRun ? { value: 'go', by } : undefined;
  }
}

function answerText(prompt: Prompt, value: PromptAnswer): string {
  if (prompt.kind === 'input' && prompt.secret) return SECRET_MASK;
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}

export function recordAnswer(d: RunState, stepId: string, prompt: Prompt, value: PromptAnswer, by: Answer['by'], at: number): void {
  d.answers.push({ stepId, question: prompt.question, answer: answerText(prompt, value), by, at });
}
