// `patchwalk resume [RUN]`: rebuilds an interrupted run from its journal and goes on. A command
// still running is re-attached to (its output so far, then the live tail); one that finished while
// no one watched gives its exit code; one whose outcome cannot be known asks the operator.
import { describeEffect } from '../engine/effects.js';
import { secretVariables } from '../kinds/registry.js';
import { existsSync, readFileSync } from 'node:fs';
import { isFinished, stoppedAndOff } from '../engine/engine.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { LockRefused } from '../journal/host-lock.js';
import { skippedNotice, TORN_MESSAGE } from '../journal/journal-reader.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { currentOperator, describeOperator } from '../journal/operator.js';
import { recordPastRun } from '../history/history-store.js';
import { journalFacts, rebuildFromFile, ReplayError } from '../journal/replay.js';
import { RunFolder } from '../journal/run-folder.js';
import { resolveRunName, runToResume } from './interrupted-runs.js';
import { Secrets } from '../journal/secrets.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';
import { colourWanted, makeStyle } from '../plain/style.js';
import { printResumeBanner } from '../plain/resume-banner.js';
import { NoInputError } from '../run/drive-run.js';
import { loadRunbookText } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';
import { sha256, wantsConsole, type Io } from './run.js';
import { makePrompter, Session } from './session.js';
import type { LinePrompter } from '../plain/line-prompter.js';
import type { RecordOf } from '../journal/records.js';
import { HANDOVER_REASON_MAX_CHARS, HANDOVER_WAIT_MS } from '../limits.js';
import { appendHandover, waitForLetGo } from '../watch/handover.js';

export interface ResumeFlags {
  set: string[];
  yes: boolean;
  takeOver: boolean;
  /** Line mode even on a terminal. */
  plain?: boolean;
  /** Why the run is taken over (--take-over): journaled with the handover. */
  reason?: string;
}

export async function resumeRun(name: string | undefined, flags: ResumeFlags, io: Io): Promise<number> {
  const root = prepareStateDir(stateDir());
  // With no id: the run that holds a host's lock or has VMs down, before any empty one.
  const id = name ? resolveRunName(root, name) : runToResume(root);
  if (!id) throw new UsageError('no interrupted run to resume; `patchwalk runs` lists the runs');
  const folder = new RunFolder(root, id);
  if (!folder.exists()) throw new UsageError(`no run "${id}" under ${root}; \`patchwalk runs\` lists the runs`);

  // The journal is streamed, twice: once for what resume must know, once to replay it.
  const readFacts = () => {
    try {
      return journalFacts(folder.journal);
    } catch (error) {
      if (error instanceof ReplayError) {
        io.stderr.write(`patchwalk: ${folder.journal}: ${error.message}; the run cannot be rebuilt\n`);
        return undefined;
      }
      throw error;
    }
  };
  let facts = readFacts();
  if (!facts) return EXIT.failed;
  const reason = flags.reason?.trim() ?? '';
  if (flags.reason !== undefined && !flags.takeOver) throw new UsageError('--reason goes with --take-over: it says why the run is taken over');
  if (reason.length > HANDOVER_REASON_MAX_CHARS) throw new UsageError(`--reason is ${reason.length} characters; at most ${HANDOVER_REASON_MAX_CHARS}`);
  // Taking over a run someone is driving right now: journal the handover, and let their session
  // stop first, so its last records come before this session's.
  let takeLive = false;
  let handover: RecordOf<'handover'> | undefined;
  if (!facts.end && facts.standing === 'running' && flags.takeOver) {
    if (!reason) throw new UsageError(`run ${id} is being driven by ${describeOperator(facts.driver.operator)}: taking it over needs --reason "…", which is journaled with the handover`);
    handover = { type: 'handover', at: Date.now(), from: facts.driver.operator, to: currentOperator(), reason, live: true };
    appendHandover(folder.journal, handover);
    io.stderr.write(`patchwalk: taking run ${id} over from ${describeOperator(facts.driver.operator)}; waiting for their session to let go…\n`);
    if (!(await waitForLetGo(folder.journal, facts.scan.validBytes, facts.driver.operator))) {
      io.stderr.write(`patchwalk: their session did not let go within ${HANDOVER_WAIT_MS / 1000}s; taking the run over anyway (it writes nothing more once it looks)\n`);
      takeLive = true;
    }
    facts = readFacts();
    if (!facts) return EXIT.failed;
  } else if (flags.takeOver && !facts.end) {
    // A driver that is gone: still a handover, from whoever drove last.
    handover = { type: 'handover', at: Date.now(), from: facts.driver.operator, to: currentOperator(), reason, live: false };
  }
  const { start, end, scan } = facts;
  const skipped = skippedNotice(folder.journal, scan);
  if (skipped) io.stderr.write(`patchwalk: ${skipped}
`);
  if (scan.torn) io.stderr.write(`patchwalk: ${TORN_MESSAGE} (line ${scan.torn.line}, ${scan.torn.bytes} bytes)
`);
  // A run that ended badly may still have VMs off because of it: resume offers to start them.
  if (end?.phase === 'done') {
    io.stdout.write(`Run ${id} already ended: ${end.phase}. Nothing to resume.
`);
    return EXIT.ok;
  }
  if (!end && facts.standing === 'running' && !takeLive) {
    io.stderr.write(`patchwalk: run ${id} is still being driven by ${describeOperator(facts.driver.operator)}
`);
    io.stderr.write(`patchwalk: to follow it: patchwalk watch ${id}; to take it over: patchwalk resume ${id} --take-over --reason "…"
`);
    return EXIT.failed;
  }

  // The copy is what resume runs: it must be the runbook the run started with, byte for byte.
  const copy = existsSync(folder.runbookCopy) ? readFileSync(folder.runbookCopy) : undefined;
  if (!copy) throw new UsageError(`${folder.runbookCopy} is missing: the run cannot be resumed without the runbook it started with`);
  if (sha256(copy) !== start.runbook.sha256) {
    throw new UsageError(
      `${folder.runbookCopy} does not match the sha256 recorded when the run started (${start.runbook.sha256.slice(0, 12)}…): it was changed since, so it is not run. Put the original back, or start a new run`,
    );
  }
  const loaded = loadRunbookText(start.runbook.path, copy.toString('utf8'), { rehearsal: Boolean(start.rehearsal) });
  if (!loaded.runbook) {
    for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    return EXIT.usage;
  }
  const runbook = loaded.runbook;
  const style = makeStyle(colourWanted(io.stdout));
  // On a terminal, resume opens the console like run does. Questions asked before it is up (a
  // changed runbook, secrets, VMs left off) go through a line prompter made only when needed, and
  // closed before the console mounts: two readers on one terminal would steal each other's keys.
  // A run that paused to read (the demo, training) is still training when resumed.
  const console = wantsConsole({ plain: Boolean(flags.plain) }, io) ? { training: Boolean(start.options.pause_to_read) && !start.options.guided } : undefined;
  let prompt: ReturnType<typeof makePrompter> | undefined;
  const prompter = {
    ask: (...args: Parameters<LinePrompter['ask']>) => (prompt ??= makePrompter(io, style)).prompter.ask(...args),
    close: () => {
      prompt?.prompter.close();
      prompt = undefined;
    },
  };
  const signal = new AbortController().signal;

  try {
    // The runbook file may have been edited since the run started: say so, and ask.
    const now = existsSync(start.runbook.path) ? sha256(readFileSync(start.runbook.path)) : undefined;
    const changed = now !== start.runbook.sha256;
    if (changed) {
      const what = now === undefined ? 'is gone' : 'has changed';
      io.stdout.write(`patchwalk: the runbook ${start.runbook.path} ${what} since the run started; the run goes on with the copy it started with (${folder.runbookCopy}).\n`);
      const go = flags.yes || (await prompter.ask({ kind: 'confirm', question: 'Go on with the runbook as it was when the run started?', destructive: false }, { stepId: 'resume', signal })) === true;
      if (!go) {
        io.stdout.write('Not resumed; nothing was changed.\n');
        prompter.close();
        return EXIT.failed;
      }
    }

    // Secrets were never written down: take them from --set, or ask again.
    const given = Object.fromEntries(flags.set.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    const secretValues: Record<string, string> = {};
    for (const secret of facts.neededSecrets) {
      const value = Object.hasOwn(given, secret) ? given[secret] : undefined;
      secretValues[secret] =
        value ??
        String(await prompter.ask({ kind: 'input', question: `${secret} is secret and was not kept in the journal; enter it again`, secret: true }, { stepId: 'resume', signal }));
    }
    const secretNames = [...start.secret_params, ...runbook.steps.flatMap((step) => secretVariables(step))];
    for (const key of Object.keys(given)) {
      if (!secretNames.includes(key)) throw new UsageError(`--set ${key}: resume only takes the run's secrets again (${secretNames.join(', ') || 'it has none'})`);
    }

    const state = rebuildFromFile(folder.journal, start, runbook, secretValues, { yes: flags.yes });
    const secrets = new Secrets();
    for (const [secret, value] of Object.entries(secretValues)) secrets.add(value, secret);
    secrets.update(state);
    const journal = new JournalWriter(folder.journal, secrets.mask, scan.torn ? scan.validBytes : undefined);
    if (scan.torn) journal.append({ type: 'torn-record', at: Date.now(), bytes: scan.torn.bytes, line: scan.torn.line });
    if (skipped) journal.append({ type: 'notice', at: Date.now(), level: 'warn', text: skipped });
    // A live handover was journaled before the wait; one from a driver that was gone is journaled here.
    if (handover && !handover.live) journal.append({ ...handover, at: Date.now() });
    journal.append({ type: 'resume', at: Date.now(), operator: currentOperator(), runbook_changed: changed });
    if (isFinished(state) && (state.phase === 'done' || stoppedAndOff(state).length === 0)) {
      if (!end) journal.append({ type: 'run-end', at: state.endedAt ?? Date.now(), phase: state.phase, outcome: state.outcome });
      io.stdout.write(`Run ${id} already ended: ${state.phase}${state.outcome ? ` (${state.outcome})` : ''}. Nothing to resume.\n`);
      prompter.close();
      return state.phase === 'done' ? EXIT.ok : EXIT.failed;
    }

    const session = new Session({
      root,
      folder,
      journal,
      secrets,
      state,
      records: facts.execRecords,
      runbookPath: start.runbook.path,
      takeOver: flags.takeOver,
      takeLive,
      io,
      prompt: console ? undefined : prompt,
      console,
    });
    try {
      await session.lock();
    } catch (error) {
      if (!(error instanceof LockRefused)) throw error;
      io.stderr.write(`patchwalk: ${error.message}\n`);
      prompter.close();
      return EXIT.failed;
    }

    // What became of the action that was under way.
    const effect = session.state.effect;
    let attach = false;
    if (state.options.rehearsal) {
      // Nothing was executed and the simulated host settles what was under way: it is done again.
    } else if (effect?.type === 'exec' && !state.options.dryRun) {
      const where = await session.exec.settle(effect.id);
      attach = where === 'attach';
      if (where === 'lost') session.apply({ type: 'lost', effectId: effect.id, reason: 'ended while no one watched, and its exit status was not recorded', at: Date.now() });
    } else if (effect && describeEffect(effect).changesWorld && facts.effectStarts.has(effect.id)) {
      session.apply({ type: 'lost', effectId: effect.id, reason: 'was under way when patchwalk stopped', at: Date.now() });
    }

    // The VMs as the host has them now, not as the journal last saw them.
    if (session.state.vms && !state.options.dryRun) {
      for (const vm of await session.hypervisor.provider.list()) {
        const known = session.state.vms?.find((candidate) => candidate.name === vm.name);
        if (known && known.state !== vm.state) session.apply({ type: 'vm-state', name: vm.name, state: vm.state, at: Date.now() });
      }
    }

    if (isFinished(session.state)) {
      const off = stoppedAndOff(session.state);
      io.stdout.write(`Run ${id} ended: ${session.state.phase}${session.state.outcome ? ` (${session.state.outcome})` : ''}.\n`);
      if (off.length === 0) {
        io.stdout.write('Every VM it stopped is running again. Nothing to resume.\n');
        prompter.close();
        return EXIT.failed;
      }
      const answer = flags.yes || await prompter.ask(
        { kind: 'confirm', question: `${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} still off because of this run. Start the VMs this run stopped?`, destructive: false },
        { stepId: 'resume', signal: new AbortController().signal },
      );
      if (answer !== true) {
        prompter.close();
        return EXIT.failed;
      }
      session.apply({ type: 'wind-down', reason: `resumed to start the VMs run ${id} stopped`, at: Date.now() });
    }

    printResumeBanner(io.stdout, style, session, { attach, changed });
    if (console) prompter.close();
    const code = await session.run();
    recordPastRun(root, start.runbook.path, session.state, { rehearsal: (start.options as { rehearsal?: boolean }).rehearsal });
    return code;
  } catch (error) {
    prompter.close();
    if (error instanceof NoInputError) {
      io.stderr.write(`patchwalk: ${error.message}; stdin is closed. Answer it on a terminal, or pipe the answer in.\n`);
      return EXIT.noInput;
    }
    throw error;
  }
}
