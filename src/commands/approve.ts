// `patchwalk approve RUN [--reason …]` and `patchwalk deny RUN --reason …`: the second operator's
// answer to a two-person approval. It shows exactly what the step will do, then asks for the word
// typed out (approve or deny) through the prompt model; there is no --yes, so an answer is always a
// deliberate act (a pipe can still give it: `echo approve | patchwalk approve RUN`).
import { decisionProblem } from '../approval/approval-wait.js';
import { decisionsFor, DecisionExists, writeDecision, type Decision } from '../approval/decision-file.js';
import { printable } from '../display/printable.js';
import type { Prompt } from '../engine/types.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { scanJournal } from '../journal/journal-reader.js';
import { currentOperator, describeOperator } from '../journal/operator.js';
import type { RecordOf } from '../journal/records.js';
import { RunFolder } from '../journal/run-folder.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';
import { APPROVAL_REASON_MAX_CHARS, APPROVER_NAME_MAX_CHARS } from '../limits.js';
import { colourWanted, makeStyle } from '../plain/style.js';
import { LinePrompter } from '../plain/line-prompter.js';
import { NoInputError, QuitRequested } from '../run/drive-run.js';
import { resolveRunName } from './interrupted-runs.js';
import type { Io } from './run.js';

export type Verdict = 'approve' | 'deny';

interface OpenRequest {
  request: RecordOf<'approval-requested'>;
  title: string;
}

/** The request the run waits on now, or why there is none. */
function openRequest(folder: RunFolder): OpenRequest | string {
  let title = '';
  let latest: RecordOf<'approval-requested'> | undefined;
  let ended: string | undefined;
  const decided = new Set<string>();
  scanJournal(folder.journal, (record) => {
    if (record.type === 'run-start') title = record.runbook.title;
    if (record.type === 'approval-requested') latest = record;
    if (record.type === 'approval-granted' || record.type === 'approval-denied') decided.add(record.request);
    if (record.type === 'run-end') ended = record.phase;
  });
  if (ended) return `run ${folder.id} has ended (${ended}): there is nothing to approve`;
  if (!latest || decided.has(latest.request)) return `run ${folder.id} is not waiting for approval${latest ? ` (its last request, for step ${latest.step}, was answered)` : ''}`;
  return { request: latest, title };
}

function describeRequest(folder: RunFolder, open: OpenRequest): string[] {
  const { request } = open;
  const lines = [
    `run ${folder.id} "${printable(open.title)}", driven by ${printable(describeOperator(request.driver))} (uid ${request.driver.uid})`,
    `step ${request.step} "${printable(request.title)}" waits for a second operator since ${new Date(request.at).toISOString()}:`,
    `  ${printable(request.summary)}`,
  ];
  if (request.vms.length) lines.push(`  VMs (${request.vms.length}): ${request.vms.map(printable).join(', ')}`);
  for (const command of request.commands) lines.push(`  $ ${printable(command)}`);
  return lines;
}

export async function answerApproval(verdict: Verdict, name: string, options: { reason?: string }, io: Io): Promise<number> {
  const reason = options.reason?.trim() || undefined;
  if (verdict === 'deny' && !reason) throw new UsageError('deny needs --reason "…": the driver and the report say why');
  if (reason && reason.length > APPROVAL_REASON_MAX_CHARS) throw new UsageError(`--reason is ${reason.length} characters; at most ${APPROVAL_REASON_MAX_CHARS} are kept`);
  const root = prepareStateDir(stateDir());
  const id = resolveRunName(root, name);
  const folder = new RunFolder(root, id);
  if (!folder.exists()) throw new UsageError(`no run "${id}" under ${root}; \`patchwalk runs\` lists the runs`);

  const open = openRequest(folder);
  if (typeof open === 'string') {
    io.stderr.write(`patchwalk: ${open}\n`);
    return EXIT.failed;
  }
  const { request } = open;
  const uid = process.getuid?.() ?? 0;
  const me = currentOperator();
  const sameAccount = uid === request.driver.uid;
  if (sameAccount && !request.allow_same_account) {
    io.stderr.write(
      `patchwalk: refusing self-approval: you are ${me.user} (uid ${uid}), the account that drives run ${id}. ` +
        `A second person must ${verdict} from their own account; the runbook does not set allow_same_account.\n`,
    );
    return EXIT.failed;
  }
  const already = decisionsFor(folder, request.request).found.find((found) => !decisionProblem(found, request.driver.uid, request.allow_same_account));
  if (already) {
    const what = already.decision.decision === 'granted' ? 'approved' : 'denied';
    io.stderr.write(`patchwalk: step ${request.step} of run ${id} was already ${what} by ${printable(already.decision.name ?? already.decision.user)}; the driver goes on with that\n`);
    return EXIT.failed;
  }

  io.stdout.write(`${describeRequest(folder, open).join('\n')}\n`);
  const style = makeStyle(colourWanted(io.stdout));
  // Ctrl-C here ends the command with nothing recorded.
  const prompter = new LinePrompter(io.stdin, io.stdout, style, () => process.kill(process.pid, 'SIGINT'));
  const signal = new AbortController().signal;
  try {
    let typedName: string | undefined;
    if (sameAccount) {
      io.stdout.write(`You share the account ${me.user} with the driver (the runbook allows it): the journal and the report flag this as "same account, from SSH client ${me.ssh_client ?? 'none'}".\n`);
      let error: string | undefined;
      for (;;) {
        const prompt: Prompt = { kind: 'input', question: 'Type your own name', error };
        const answer = String(await prompter.ask(prompt, { stepId: 'approval', signal })).trim();
        if (answer && answer.length <= APPROVER_NAME_MAX_CHARS && printable(answer) === answer) {
          typedName = answer;
          break;
        }
        error = answer ? `a name of at most ${APPROVER_NAME_MAX_CHARS} plain characters` : 'a name is needed: who approves?';
      }
    }
    const word = verdict;
    const question = `Type ${word} to ${word} step ${request.step}${reason ? ` (reason: ${printable(reason)})` : ''}`;
    await prompter.ask({ kind: 'type-to-confirm', question, expected: word }, { stepId: 'approval', signal });
    // The run may have moved on while this operator read: answer only a request still open.
    const still = openRequest(folder);
    if (typeof still === 'string' || still.request.request !== request.request) {
      io.stderr.write(`patchwalk: ${typeof still === 'string' ? still : `run ${id} now waits on another request`}; nothing was recorded\n`);
      return EXIT.failed;
    }
    const decision: Decision = {
      v: 1,
      request: request.request,
      decision: verdict === 'approve' ? 'granted' : 'denied',
      user: me.user,
      uid,
      ssh_client: me.ssh_client,
      hostname: me.hostname,
      pid: me.pid,
      at: Date.now(),
      ...(reason ? { reason } : {}),
      same_account: sameAccount,
      ...(typedName ? { name: typedName } : {}),
    };
    writeDecision(folder, decision);
    io.stdout.write(`${verdict === 'approve' ? 'approved' : 'denied'} step ${request.step} of run ${id}; the driver goes on as soon as it sees it\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof QuitRequested) {
      io.stderr.write('patchwalk: you quit; nothing was recorded\n');
      return EXIT.failed;
    }
    if (error instanceof NoInputError) {
      io.stderr.write(`patchwalk: ${error.message}; stdin is closed; nothing was recorded. Answer on a terminal, or pipe the answer in.\n`);
      return EXIT.noInput;
    }
    if (error instanceof DecisionExists) {
      io.stderr.write(`patchwalk: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    prompter.close();
  }
}
