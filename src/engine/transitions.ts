// What changed between two run states, in the order it happened: for renderers that narrate a run.
import type { Answer, Effect, Notice, RunState } from './types.js';

export type Transition =
  | { type: 'step-started'; index: number }
  | { type: 'answer'; answer: Answer }
  | { type: 'step-ended'; index: number }
  | { type: 'notice'; notice: Notice }
  | { type: 'effect'; effect: Effect }
  | { type: 'run-ended' };

const ENDED = new Set(['done', 'failed', 'skipped']);

export function transitions(state: RunState, previous: RunState | undefined): Transition[] {
  const list: Transition[] = [];
  const notices = state.notices.slice(previous?.notices.length ?? 0);
  // A notice about one step (a guided briefing, an expect verdict) is told between its heading and its end.
  for (const notice of notices) if (notice.step === undefined) list.push({ type: 'notice', notice });
  const answers = state.answers.slice(previous?.answers.length ?? 0);
  for (const answer of answers.filter((candidate) => candidate.stepId === 'params')) list.push({ type: 'answer', answer });
  state.steps.forEach((step, index) => {
    const before = previous?.steps[index]?.status ?? 'pending';
    if (step.status !== before && before === 'pending' && step.startedAt !== undefined) list.push({ type: 'step-started', index });
    for (const notice of notices) if (notice.step === step.id) list.push({ type: 'notice', notice });
    for (const answer of answers.filter((candidate) => candidate.stepId === step.id)) list.push({ type: 'answer', answer });
    if (step.status !== before && ENDED.has(step.status)) list.push({ type: 'step-ended', index });
  });
  if (state.effect && state.effect.id !== previous?.effect?.id) list.push({ type: 'effect', effect: state.effect });
  if (state.phase !== previous?.phase && ['done', 'failed', 'aborted'].includes(state.phase)) list.push({ type: 'run-ended' });
  return list;
}
