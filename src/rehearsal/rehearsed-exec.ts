// A rehearsal's command runner: it never executes anything, here or on the host. The command is
// shown expanded by the renderers (as for a dry run); this says it was not run and plays the step's
// canned result (`rehearse: { output, exit_code, takes }`), so capture, when and on_failure can be
// practised. Without one, the command "succeeds" with no output.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecRequest, ExecResult, Stream } from '../exec/exec-request.js';
import { CAPTURE_LIMIT_BYTES, REHEARSAL_LINE_MS } from '../limits.js';
import { parseDuration } from '../runbook/duration.js';
import type { RehearseSpec } from '../runbook/schema-parts.js';
import type { Runbook } from '../runbook/schema.js';

/** The canned result of a step, if it gives one. */
export function cannedResult(runbook: Runbook, stepId: string | undefined): RehearseSpec | undefined {
  const step = runbook.steps.find((candidate) => candidate.id === stepId);
  return step && 'rehearse' in step ? step.rehearse : undefined;
}

export interface RehearsedExecOptions {
  canned: (stepId: string | undefined) => RehearseSpec | undefined;
  /** Masks secrets in what is shown (canned output may repeat a templated value). */
  mask: (text: string) => string;
  /** Divides every pause (PATCHWALK_SIM_SPEED). */
  speed: number;
}

/** Waits, unless the run is interrupted first; false when it was. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (ms <= 0) return !signal?.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** The canned output as lines, each with its stream, and the stdout a capture gets. */
export function cannedLines(canned: RehearseSpec | undefined): { lines: { stream: Stream; text: string }[]; stdout: string | undefined } {
  const output = canned?.output;
  if (output === undefined) return { lines: [], stdout: undefined };
  if (typeof output === 'string') {
    return { lines: output.replace(/\n$/, '').split('\n').map((text) => ({ stream: 'stdout', text })), stdout: output };
  }
  const lines = output.map((line) => (typeof line === 'string' ? { stream: 'stdout' as const, text: line } : { stream: 'stderr' as const, text: line.stderr }));
  return { lines, stdout: lines.filter((line) => line.stream === 'stdout').map((line) => `${line.text}\n`).join('') };
}

export function rehearsedExec(options: RehearsedExecOptions): (request: ExecRequest) => Promise<ExecResult> {
  return async (request) => {
    const started = Date.now();
    const canned = options.canned(request.stepId);
    const { lines, stdout } = cannedLines(canned);
    const takes = canned?.takes ? (parseDuration(canned.takes) ?? 0) : 0;
    const exitCode = canned?.exit_code ?? 0;
    const aborted = (): ExecResult => ({ exitCode: null, timedOut: false, aborted: true, durationMs: Date.now() - started });
    request.onLine('stdout', canned ? `(rehearsal: not run; the runbook's rehearse: result follows, exit code ${exitCode})` : '(rehearsal: not run; it succeeds with no output)');
    // The output comes line by line over the time the step says it takes, so it is seen running.
    const perLine = (lines.length ? Math.max(takes / lines.length, REHEARSAL_LINE_MS) : takes) / options.speed;
    for (const line of lines) {
      if (!(await pause(perLine, request.signal))) return aborted();
      request.onLine(line.stream, options.mask(line.text));
    }
    if (lines.length === 0 && !(await pause(perLine, request.signal))) return aborted();
    const captured = request.capture && stdout !== undefined ? stdout.slice(0, CAPTURE_LIMIT_BYTES) : undefined;
    return { exitCode, timedOut: false, aborted: false, stdout: captured, durationMs: Date.now() - started };
  };
}
