// Line mode: a header per step, live output lines, VM progress and a closing summary. It draws
// from engine state changes only, so a run reads the same in a log file as on a terminal.
import { kindOfStep, showsTextInFull } from '../kinds/registry.js';
import { took } from '../display/durations.js';
import { printable, printableLines } from '../display/printable.js';
import { commandLines, describeStep, displayText, expandText, hostName, runbookTitle, stepHeading, stepOutcome } from '../display/step-text.js';
import { VM_COLUMNS, vmRow, vmsBeforeAfter } from '../display/vm-rows.js';
import { livePlan } from '../engine/vm-plan.js';
import { transitions } from '../engine/transitions.js';
import type { Answer, Effect, RunState, StepState } from '../engine/types.js';
import type { Stream } from '../exec/exec-request.js';
import type { RunObserver } from '../run/drive-run.js';
import type { Style } from './style.js';
import { textTable } from './text-table.js';
import { whereItRuns } from '../run/where-it-runs.js';
import { expectText } from '../engine/expect.js';
import { MEMBER_COLUMNS, memberCells, memberRows, PLACEMENT_COLUMNS, PLACEMENT_HISTORY_COLUMNS, placementHistory, placementRows, rollingProgress, shortfallText } from '../display/rolling-rows.js';
import { memberAt } from '../rolling/cluster-runbook.js';
import { PLACEMENT_ROWS_SHOWN } from '../limits.js';
import { etaLine } from '../display/eta-line.js';

const BY = { yes: 'answered by --yes', default: 'the default', 'dry-run': 'dry run', operator: '' } as const;

export class PlainRenderer implements RunObserver {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly style: Style,
    private readonly now: () => number = Date.now,
  ) {}

  private write(line = ''): void {
    this.out.write(`${line}\n`);
  }

  header(state: RunState): void {
    const { runbook, options } = state;
    const s = this.style;
    const facts = [`host ${hostName(state)}`, `${runbook.steps.length} steps`];
    if (runbook.window) facts.push(`window ${runbook.window.duration}`);
    if (options.dryRun) facts.push(s.yellow('DRY RUN: nothing will be changed'));
    if (options.rehearsal) facts.push(s.yellow('REHEARSAL: simulated VMs, no command is executed'));
    if (options.guided) facts.push('GUIDED');
    this.write(`${s.bold('patchwalk')}  ${s.bold(runbookTitle(state))}`);
    this.write(`  ${facts.join(' · ')}`);
    if (runbook.patch) {
      const { host_reboot, vm_shutdown, guest_components } = runbook.patch;
      this.write(`  patch: host reboot ${host_reboot ?? '?'} · VM shutdown ${vm_shutdown ?? '?'} · guest components ${guest_components ?? '?'}`);
    }
  }

  state(state: RunState, previous: RunState | undefined): void {
    if (state.phase === 'steps' && previous?.phase !== 'steps') this.header(state);
    this.rolling(state, previous);
    for (const change of transitions(state, previous)) {
      if (change.type === 'notice') this.write(`  ${change.notice.level === 'warn' ? this.style.yellow('! warning:') : 'note:'} ${printable(change.notice.text)}`);
      else if (change.type === 'answer') this.answers([change.answer]);
      else if (change.type === 'step-started') this.stepStarted(state, change.index);
      else if (change.type === 'step-ended') this.stepEnded(state, change.index);
      else if (change.type === 'effect') this.effectStarted(state, change.effect);
      else this.summary(state);
    }
  }

  /** Answers given without asking are printed, so the log shows every decision. */
  private answers(answers: Answer[]): void {
    for (const answer of answers) {
      if (answer.by === 'operator') continue;
      this.write(`  ${this.style.cyan('?')} ${printable(answer.question)} ${this.style.dim('→')} ${printable(answer.answer)} ${this.style.dim(`(${BY[answer.by]})`)}`);
    }
  }

  /** A rolling: the member table when a member begins, the placement table when a drain has planned. */
  private rolling(state: RunState, previous: RunState | undefined): void {
    const plan = state.rolling?.plan;
    if (plan && plan !== previous?.rolling?.plan && plan.stepId !== previous?.rolling?.plan?.stepId) {
      const rows = placementRows(plan, (name) => (state.vms ?? []).find((vm) => vm.name === name)?.memory_mib);
      this.write(`  placement plan for ${plan.member}:`);
      for (const line of textTable([...PLACEMENT_COLUMNS], rows.slice(0, PLACEMENT_ROWS_SHOWN), '    ')) this.write(line);
      if (rows.length > PLACEMENT_ROWS_SHOWN) this.write(`    … and ${rows.length - PLACEMENT_ROWS_SHOWN} more`);
      const short = shortfallText(plan);
      if (short) this.write(`  ${this.style.yellow('! ' + short)}`);
    }
  }

  private memberTable(state: RunState): void {
    for (const line of textTable([...MEMBER_COLUMNS], memberRows(state, Date.now()).map(memberCells), '  ')) this.write(line);
  }

  private stepStarted(state: RunState, index: number): void {
    const member = memberAt(state, index);
    if (member && state.rolling?.segments[member.name]?.first === index) {
      this.write();
      this.write(this.style.bold(`══ ${rollingProgress({ ...state, cursor: index }) ?? member.name}`));
      this.memberTable(state);
    }
    const s = this.style;
    const step = state.runbook.steps[index];
    const view = describeStep(state, index);
    if (!step || !view) return;
    this.write();
    this.write(s.bold(stepHeading(state, index)));
    const eta = etaLine(state, this.now());
    if (eta) this.write(`  ${eta.late ? s.yellow('eta:') : s.dim('eta:')} ${eta.text}`);
    // A note keeps its own line breaks in a log; why and expect are one line each.
    const text = kindOfStep(step)?.text(step);
    if (text !== undefined) for (const line of printableLines(expandText(state, text).trimEnd())) this.write(`  ${line}`);
    if (step.why) this.write(`  ${s.dim('why:')} ${displayText(state, step.why)}`);
    if (step.expect) this.write(`  ${s.dim('expect:')} ${displayText(state, expectText(step.expect))}`);
    // The plan for every VM comes before anything touches one.
    if (view.planAtStart && state.vms) this.vmTable(state);
  }

  private vmTable(state: RunState): void {
    const plans = livePlan(state);
    for (const line of textTable(VM_COLUMNS, plans.map(vmRow), '  ')) this.write(line);
  }

  private stepEnded(state: RunState, index: number): void {
    const s = this.style;
    const step: StepState | undefined = state.steps[index];
    if (!step) return;
    const colour = step.status === 'done' ? s.green : step.status === 'failed' ? s.red : s.yellow;
    if (step.status === 'skipped' && !step.startedAt) {
      this.write();
      this.write(s.dim(stepHeading(state, index)));
    }
    // A note that was shown needs no "done" line of its own.
    if (showsTextInFull(step.kind) && step.status === 'done') return;
    const outcome = stepOutcome(step);
    const head = `${outcome.split(' ')[0]} ${step.status}`;
    this.write(`  ${colour(head)}${outcome.slice(head.length)}`);
  }

  private effectStarted(state: RunState, effect: Effect): void {
    if (effect.type !== 'exec') return;
    const { lead, lines } = commandLines(state, effect);
    const [first, ...rest] = lines;
    this.write(`  ${this.style.dim(lead)} ${first ?? ''}`);
    for (const line of rest) this.write(`      ${line}`);
  }

  output(_stepId: string, stream: Stream, line: string): void {
    const text = printable(line);
    this.write(stream === 'stderr' ? `  ${this.style.red('!')} ${text}` : `  ${this.style.dim('│')} ${text}`);
  }

  progress(_stepId: string, text: string): void {
    this.write(`  ${this.style.cyan('»')} ${printable(text)}`);
  }

  summary(state: RunState): void {
    const s = this.style;
    this.write();
    const headline =
      state.phase === 'done' ? s.green(s.bold('Run complete')) : state.phase === 'aborted' ? s.yellow(s.bold('Run stopped')) : s.red(s.bold('Run failed'));
    this.write(`${headline}${took(state)}${state.outcome ? `: ${printable(state.outcome)}` : ''}`);
    const counts = new Map<string, number>();
    for (const step of state.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
    this.write(`  steps: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`);
    if (state.rolling) {
      this.write('  hosts:');
      for (const line of textTable([...MEMBER_COLUMNS], memberRows(state, state.endedAt ?? Date.now()).map(memberCells), '    ')) this.write(line);
      this.write('  VM placement before, during and after:');
      for (const line of textTable([...PLACEMENT_HISTORY_COLUMNS], placementHistory(state), '    ')) this.write(line);
    }
    if (state.vmsBefore && state.vms) {
      const rows = vmsBeforeAfter(state).map((vm) => [vm.name, vm.before, vm.after, vm.back ? 'ok' : s.yellow('NOT BACK')]);
      this.write('  VMs before and after:');
      for (const line of textTable(['name', 'before', 'after', 'check'], rows, '    ')) this.write(line);
    }
  }
}
