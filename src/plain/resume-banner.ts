// What line mode prints when a run is resumed: the header, the steps behind, and where it goes on.
import type { Session } from '../commands/session.js';
import { printable } from '../display/printable.js';
import { STATUS_MARK } from '../display/status-marks.js';
import { stepTitle } from '../display/step-text.js';
import type { Style } from './style.js';
import { whereItRuns } from '../run/where-it-runs.js';

const title = stepTitle;

export function printResumeBanner(out: NodeJS.WritableStream, s: Style, session: Session, facts: { attach: boolean; changed: boolean }): void {
  const state = session.state;
  const write = (line = '') => out.write(`${line}\n`);
  if (state.phase === 'steps') session.renderer.header(state);
  const finished = state.steps.filter((step) => step.status === 'done' || step.status === 'skipped').length;
  write(`${s.bold('Resuming')} run ${state.options.runId}: ${finished} of ${state.steps.length} steps behind it${facts.changed ? ' (with the runbook as it was at the start)' : ''}`);
  state.steps.forEach((step, index) => {
    if (step.status === 'pending') return;
    write(`  ${STATUS_MARK[step.status].mark} [${index + 1}/${state.steps.length}] ${title(state, index)}  ${s.dim(step.status)}`);
  });
  const current = state.phase === 'steps' ? state.steps[state.cursor] : undefined;
  if (current && current.status === 'running') {
    write();
    write(s.bold(`── [${state.cursor + 1}/${state.steps.length}] ${title(state, state.cursor)} (resumed)`));
    const effect = state.effect;
    if (effect?.type === 'exec') {
      write(`  ${s.dim(`${whereItRuns(state, effect.on)} $`)} ${printable(effect.display.split('\n')[0] ?? '')}`);
      if (facts.attach) write(`  ${s.cyan('»')} re-attaching to the command: its output so far, then as it comes`);
    }
  }
}
