// Line mode: a header per step, live output lines, VM progress and a closing summary. It draws
// from engine state changes only, so a run reads the same in a log file as on a terminal.
import { scopeFor, targetName } from '../engine/context.js';
import { livePlan } from '../engine/vm-plan.js';
import { transitions } from '../engine/transitions.js';
import type { Answer, Effect, RunState, StepState } from '../engine/types.js';
import type { Stream } from '../exec/exec-request.js';
import { VM_COLUMNS, vmRow } from '../inventory/vm-rows.js';
import { formatDuration } from '../runbook/duration.js';
import type { RunObserver } from '../run/drive-run.js';
import type { Style } from './style.js';
import { textTable } from './text-table.js';
import { whereItRuns } from '../run/where-it-runs.js';

const BY = { yes: 'answered by --yes', default: 'the default', 'dry-run': 'dry run', operator: '' } as const;

const MARKS: Record<StepState['status'], string> = { pending: '·', running: '…', done: '✓', failed: '✗', skipped: '↷' };

export class PlainRenderer implements RunObserver {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly style: Style,
  ) {}

  private write(line = ''): void {
    this.out.write(`${line}\n`);
  }

  private text(state: RunState, template: string): string {
    try {
      return scopeFor(state).text(template);
    } catch {
      return template;
    }
  }

  header(state: RunState): void {
    const { runbook, options } = state;
    const s = this.style;
    const facts = [`host ${targetName(state)}`, `${runbook.steps.length} steps`];
    if (runbook.window) facts.push(`window ${runbook.window.duration}`);
    if (options.dryRun) facts.push(s.yellow('DRY RUN: nothing will be changed'));
    this.write(`${s.bold('patchwalk')}  ${s.bold(this.text(state, runbook.title))}`);
    this.write(`  ${facts.join(' · ')}`);
    if (runbook.patch) {
      const { host_reboot, vm_shutdown, guest_components } = runbook.patch;
      this.write(`  patch: host reboot ${host_reboot ?? '?'} · VM shutdown ${vm_shutdown ?? '?'} · guest components ${guest_components ?? '?'}`);
    }
  }

  state(state: RunState, previous: RunState | undefined): void {
    if (state.phase === 'steps' && previous?.phase !== 'steps') this.header(state);
    for (const change of transitions(state, previous)) {
      if (change.type === 'notice') this.write(`  ${change.notice.level === 'warn' ? this.style.yellow('! warning:') : 'note:'} ${change.notice.text}`);
      else if (change.type === 'answer') this.answers([change.answer]);
      else if (change.type === 'step-started') this.stepStarted(state, change.index);
      else if (change.type === 'step-ended') this.stepEnded(state, state.steps[change.index]);
      else if (change.type === 'effect') this.effectStarted(state, change.effect);
      else this.summary(state);
    }
  }

  /** Answers given without asking are printed, so the log shows every decision. */
  private answers(answers: Answer[]): void {
    for (const answer of answers) {
      if (answer.by === 'operator') continue;
      this.write(`  ${this.style.cyan('?')} ${answer.question} ${this.style.dim('→')} ${answer.answer} ${this.style.dim(`(${BY[answer.by]})`)}`);
    }
  }

  private stepStarted(state: RunState, index: number): void {
    const s = this.style;
    const step = state.runbook.steps[index];
    this.write();
    this.write(s.bold(`── [${index + 1}/${state.runbook.steps.length}] ${this.text(state, step.title)}`));
    if ('note' in step) for (const line of this.text(state, step.note).trimEnd().split('\n')) this.write(`  ${line}`);
    if (step.why) this.write(`  ${s.dim('why:')} ${this.text(state, step.why).trim()}`);
    if (step.expect) this.write(`  ${s.dim('expect:')} ${this.text(state, step.expect).trim()}`);
    // The plan for every VM comes before anything touches one.
    if (['vms', 'shutdown', 'migrate'].includes(state.steps[index].kind) && state.vms) this.vmTable(state);
  }

  private vmTable(state: RunState): void {
    const plans = livePlan(state);
    for (const line of textTable(VM_COLUMNS, plans.map(vmRow), '  ')) this.write(line);
  }

  private stepEnded(state: RunState, step: StepState): void {
    const s = this.style;
    const took = step.startedAt && step.endedAt ? ` in ${formatDuration(step.endedAt - step.startedAt)}` : '';
    const code = step.exitCode !== undefined && step.exitCode !== null ? ` (exit ${step.exitCode})` : '';
    const colour = step.status === 'done' ? s.green : step.status === 'failed' ? s.red : s.yellow;
    const message = step.message ? `: ${step.message}` : '';
    if (step.status === 'skipped' && !step.startedAt) {
      this.write();
      const index = state.steps.indexOf(step);
      this.write(s.dim(`── [${index + 1}/${state.runbook.steps.length}] ${this.text(state, state.runbook.steps[index].title)}`));
    }
    // A note that was shown needs no "done" line of its own.
    if (step.kind === 'note' && step.status === 'done') return;
    this.write(`  ${colour(`${MARKS[step.status]} ${step.status}`)}${took}${code}${message}`);
  }

  private effectStarted(state: RunState, effect: Effect): void {
    if (effect.type !== 'exec') return;
    const [first, ...rest] = effect.display.trimEnd().split('\n');
    const where = whereItRuns(state, effect.on);
    const lead = state.options.dryRun ? `would run ${where}:` : `${where} $`;
    this.write(`  ${this.style.dim(lead)} ${first}`);
    for (const line of rest) this.write(`      ${line}`);
  }

  output(_stepId: string, stream: Stream, line: string): void {
    this.write(stream === 'stderr' ? `  ${this.style.red('!')} ${line}` : `  ${this.style.dim('│')} ${line}`);
  }

  progress(_stepId: string, text: string): void {
    this.write(`  ${this.style.cyan('»')} ${text}`);
  }

  summary(state: RunState): void {
    const s = this.style;
    this.write();
    const headline =
      state.phase === 'done' ? s.green(s.bold('Run complete')) : state.phase === 'aborted' ? s.yellow(s.bold('Run stopped')) : s.red(s.bold('Run failed'));
    const took = state.startedAt && state.endedAt ? ` in ${formatDuration(state.endedAt - state.startedAt)}` : '';
    this.write(`${headline}${took}${state.outcome ? `: ${state.outcome}` : ''}`);
    const counts = new Map<string, number>();
    for (const step of state.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
    this.write(`  steps: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`);
    if (state.vmsBefore && state.vms) {
      const rows = state.vmsBefore.map((before) => {
        const after = state.vms?.find((vm) => vm.name === before.name);
        const same = after?.state === before.state;
        return [before.name, before.state, after?.state ?? 'gone', same ? 'ok' : s.yellow('NOT BACK')];
      });
      this.write('  VMs before and after:');
      for (const line of textTable(['name', 'before', 'after', 'check'], rows, '    ')) this.write(line);
    }
  }
}
