// Before a new run records anything: is its host free? A live run elsewhere refuses it; a run left
// interrupted on that host is shown in full, with the command to resume it, and the operator
// chooses. Declining (or no answer) leaves no trace: no run folder, no journal, no index entry.
import { targetName } from '../engine/context.js';
import { EXIT } from '../exit-codes.js';
import { describeLock, isStale, lockPath, readLock } from '../journal/host-lock.js';
import type { Style } from '../plain/style.js';
import { NoInputError } from '../run/drive-run.js';
import type { Runbook } from '../runbook/schema.js';
import { interruptedRunNotice, interruptedRunOn } from './interrupted-runs.js';
import type { Io } from './run.js';
import { makePrompter } from './session.js';

/** The host a run would lock, from --set values and the params' defaults (a param typed in later may change it). */
export function likelyTarget(runbook: Runbook, given: Record<string, string>): string {
  const defaults = Object.fromEntries(Object.entries(runbook.params ?? {}).flatMap(([name, param]) => (param.default !== undefined ? [[name, param.default]] : [])));
  return targetName({ runbook, params: { ...defaults, ...given } });
}

export type HostCheck =
  | { go: true; takeOver: boolean; prompt?: ReturnType<typeof makePrompter> }
  | { go: false; code: number };

export async function checkHostBeforeRun(root: string, host: string, options: { takeOver: boolean; io: Io; style: Style }): Promise<HostCheck> {
  const { io, style } = options;
  const lock = readLock(lockPath(root, host));
  if (lock && !isStale(lock) && lock.pid !== process.pid) {
    io.stderr.write(`patchwalk: ${host} is locked by another patchwalk run: ${describeLock(lock)}; nothing was started\n`);
    return { go: false, code: EXIT.failed };
  }
  const left = interruptedRunOn(root, host);
  if (!left) return { go: true, takeOver: options.takeOver };
  io.stdout.write(`${interruptedRunNotice(host, left).map((line) => `patchwalk: ${line}`).join('\n')}\n`);
  if (options.takeOver) {
    io.stdout.write(`patchwalk: --take-over: a new run starts on ${host}; run ${left.id} stays interrupted\n`);
    return { go: true, takeOver: true };
  }
  const prompt = makePrompter(io, style);
  let answer;
  try {
    answer = await prompt.prompter.ask(
      { kind: 'confirm', question: `Start a new run on ${host} anyway (run ${left.id} stays interrupted)?`, destructive: false },
      { stepId: 'host-check', signal: new AbortController().signal },
    );
  } catch (error) {
    prompt.prompter.close();
    if (!(error instanceof NoInputError)) throw error;
    io.stderr.write(`patchwalk: ${error.message}: stdin is closed; nothing was started. Go on with: patchwalk resume ${left.id} (or start anew with --take-over)\n`);
    return { go: false, code: EXIT.noInput };
  }
  if (answer !== true) {
    prompt.prompter.close();
    io.stdout.write(`Nothing was started or recorded. Go on with the interrupted run: patchwalk resume ${left.id}\n`);
    return { go: false, code: EXIT.failed };
  }
  return { go: true, takeOver: true, prompt };
}
