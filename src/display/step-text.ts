// Titles and explanations as both renderers draw them: the template expanded, or the raw text
// when its template cannot be expanded yet (a param not given), always made printable.
import { kindOfStep } from '../kinds/registry.js';
import { commandPlace, whereItRuns } from '../run/where-it-runs.js';
import { scopeFor, targetName } from '../engine/context.js';
import type { Effect, RunState, StepState } from '../engine/types.js';
import { printable, printableLines } from './printable.js';
import { took } from './durations.js';
import { STATUS_MARK, type Tone } from './status-marks.js';
import { kindDisplay } from './step-kinds.js';
import { expectText } from '../engine/expect.js';

/** The template expanded for this point of the run, or as written when it cannot be. Raw text. */
export function expandText(run: RunState, template: string): string {
  try {
    return scopeFor(run).text(template);
  } catch {
    return template;
  }
}

/** One line of runbook text, expanded and safe to draw. */
export function displayText(run: RunState, template: string): string {
  return printable(expandText(run, template).trim());
}

export function runbookTitle(run: RunState): string {
  return displayText(run, run.runbook.title);
}

export function hostName(run: RunState): string {
  return printable(targetName(run));
}

export function stepTitle(run: RunState, index: number): string {
  const step = run.runbook.steps[index];
  if (!step) return '';
  // In a rolling, each member's copy of a step reads {{ host.* }} as that member, wherever the run is.
  const at = run.rolling && index !== run.cursor ? { ...run, cursor: index, phase: 'steps' as const } : run;
  return displayText(at, step.title);
}

/** Every step's title, for the sidebar. */
export function stepTitles(run: RunState): string[] {
  return run.runbook.steps.map((_step, index) => stepTitle(run, index));
}

/** The rule that opens a step in the output: `── [3/8] Apply updates`. */
export function stepHeading(run: RunState, index: number): string {
  return `── [${index + 1}/${run.steps.length}] ${stepTitle(run, index)}`;
}

export interface DetailLine {
  label?: string;
  body: string;
  tone?: Tone | 'magenta';
}

/** What the current step is for: its note, why, expect, and how it ended. */
export function stepDetail(run: RunState, index: number): DetailLine[] {
  const step = run.runbook.steps[index];
  const state = run.steps[index];
  if (!step || !state) return [];
  const lines: DetailLine[] = [];
  // A note's line breaks come from the YAML file, not from meaning: paragraphs rewrap to the width.
  const text = kindOfStep(step)?.text(step);
  if (text !== undefined) {
    for (const paragraph of expandText(run, text).trim().split(/\n\s*\n/)) lines.push({ body: printable(paragraph.replace(/\s*\n\s*/g, ' ')) });
  }
  const place = commandPlace(step);
  if (place) lines.push({ label: 'runs', body: printable(whereItRuns(run, place)), tone: 'cyan' });
  if (step.why) lines.push({ label: 'why', body: displayText(run, step.why), tone: 'magenta' });
  if (step.expect) lines.push({ label: 'expect', body: displayText(run, expectText(step.expect)), tone: 'green' });
  if (state.message && state.status !== 'running') lines.push({ label: state.status, body: printable(state.message), tone: state.status === 'failed' ? 'red' : undefined });
  return lines;
}

export interface StepView {
  title: string;
  kind: string;
  status: StepState['status'];
  mark: string;
  tone: Tone;
  detail: DetailLine[];
  /** The console shows the VM table while this step is current. */
  vmTable: boolean;
  /** Line mode prints the VM plan as it starts. */
  planAtStart: boolean;
  /** The explanation may take 1/n of the console's body: half when it is the step's whole content. */
  detailShare: number;
}

/** A step as both renderers see it. The per-kind part comes from the kind's display entry. */
export function describeStep(run: RunState, index: number): StepView | undefined {
  const state = run.steps[index];
  if (!state) return undefined;
  const { mark, tone } = STATUS_MARK[state.status];
  const detail = stepDetail(run, index);
  // Unlabelled lines are a note's paragraphs: then the text is what the step is for.
  const detailShare = detail.some((line) => !line.label) ? 2 : 3;
  return { title: stepTitle(run, index), kind: state.kind, status: state.status, mark, tone, detail, detailShare, ...kindDisplay(state.kind) };
}

/** How a step ended: `✗ failed in 3s (exit 4): exit code 4`. */
export function stepOutcome(step: StepState): string {
  const code = step.exitCode !== undefined && step.exitCode !== null ? ` (exit ${step.exitCode})` : '';
  const message = step.message ? `: ${printable(step.message)}` : '';
  return `${STATUS_MARK[step.status].mark} ${step.status}${took(step)}${code}${message}`;
}

/** A command about to run: its lead (`$` or `would run:`) and its lines, safe to draw. */
export function commandLines(run: RunState, effect: Extract<Effect, { type: 'exec' }>): { lead: string; lines: string[] } {
  const where = whereItRuns(run, effect.on);
  const lead = run.options.dryRun ? `would run ${where}:` : run.options.rehearsal ? `rehearsal, not run ${where}:` : `${where} $`;
  return { lead, lines: printableLines(effect.display.trimEnd()) };
}
