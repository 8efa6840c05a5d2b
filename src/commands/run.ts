// `patchwalk run FILE`: load, check, and walk a runbook, journaling the run as it goes.
import { createHash, randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { MembersError, resolveMembers, type Member } from '../cluster/members.js';
import { initialState } from '../engine/engine.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { currentOperator } from '../journal/operator.js';
import { JOURNAL_VERSION } from '../journal/records.js';
import { RunFolder } from '../journal/run-folder.js';
import { indexRun } from '../journal/run-index.js';
import { SECRET_MASK, Secrets } from '../journal/secrets.js';
import { prepareStateDir, stateDir } from '../journal/state-dir.js';
import { parseSetFlags } from '../run/params.js';
import { loadRunbookFile } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';
import { checkHostBeforeRun, likelyTarget } from './host-check.js';
import { makePrompter, Session } from './session.js';
import { colourWanted, makeStyle } from '../plain/style.js';
import { checkSavedMembers, readSavedInventory } from '../rehearsal/inventory-file.js';
import { keepRehearsalInventory } from '../rehearsal/rehearsal-host.js';
import { engineFigures } from '../history/step-figures.js';
import { readHistory, recordPastRun } from '../history/history-store.js';

export interface RunFlags {
  set: string[];
  dryRun: boolean;
  yes: boolean;
  plain: boolean;
  takeOver?: boolean;
  /** Guided mode: pause after each explanation (the demo). */
  training?: boolean;
  /**
   * A rehearsal (`--rehearse`): a simulated copy of the inventory, and no command executed; the
   * only kind of run that may load an on: host step without target.ssh.
   */
  rehearse?: boolean;
  /** A saved inventory (`vms --json`) for a rehearsal, instead of reading the real one. */
  inventory?: string;
  /** Guided mode: each step is explained first and waits; its outcome is compared with expect. */
  guided?: boolean;
}

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

/** The full-screen console needs a terminal at both ends, and one that can move the cursor. */
export function wantsConsole(flags: Pick<RunFlags, 'plain'>, io: Io): boolean {
  const env = io.env ?? process.env;
  return !flags.plain && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY) && env.TERM !== 'dumb';
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

export async function runRunbook(file: string, flags: RunFlags, io: Io): Promise<number> {
  if (flags.inventory !== undefined && !flags.rehearse) throw new UsageError('--inventory is for rehearsals: add --rehearse');
  if (flags.rehearse && flags.dryRun) throw new UsageError('--rehearse and --dry-run do not go together: a rehearsal already changes nothing');
  // Checked before anything is recorded: a bad file is named with its field, exit 2.
  const savedVms = flags.inventory === undefined ? undefined : readSavedInventory(flags.inventory);
  const loaded = await loadRunbookFile(file, { rehearsal: flags.rehearse });
  if (!loaded.runbook) {
    for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    io.stderr.write(`${file}: ${loaded.problems.length} problem(s); nothing was run\n`);
    return EXIT.usage;
  }
  const runbook = loaded.runbook;
  const text = loaded.source;
  const given = parseSetFlags(flags.set, runbook, file);
  // A cluster runbook's members are read once, here, and journaled: resume takes the same ones.
  let members: Member[] | undefined;
  if (runbook.cluster) {
    const defaults = Object.fromEntries(Object.entries(runbook.params ?? {}).flatMap(([name, param]) => (param.default !== undefined ? [[name, param.default]] : [])));
    try {
      members = await resolveMembers(runbook, { baseDir: dirname(resolve(file)), params: { ...defaults, ...given } });
    } catch (error) {
      if (!(error instanceof MembersError)) throw error;
      io.stderr.write(`${file}: cluster.members: ${error.message}; nothing was run\n`);
      return EXIT.usage;
    }
  }
  // A cluster rehearsal's saved VMs sit on members this runbook has; a single host's ignore `host`.
  if (savedVms && members && flags.inventory !== undefined) checkSavedMembers(flags.inventory, savedVms, members.map((member) => member.name));
  if (savedVms && !members) for (const vm of savedVms) delete vm.host;
  const root = prepareStateDir(stateDir());
  const interactive = wantsConsole(flags, io);
  let takeOver = Boolean(flags.takeOver);
  let prompt: ReturnType<typeof makePrompter> | undefined;
  // A rehearsal touches nothing on the host: no lock, so nothing there to take over or ask about.
  if (!flags.dryRun && !flags.rehearse) {
    const checked = await checkHostBeforeRun(root, likelyTarget(runbook, given), { takeOver, io, style: makeStyle(colourWanted(io.stdout)) });
    if (!checked.go) return checked.code;
    takeOver = checked.takeOver;
    // Line mode keeps reading through the same prompter (it may hold lines already piped in); the
    // console reads its own keys, so the question's reader goes before it mounts.
    if (interactive) checked.prompt?.prompter.close();
    else prompt = checked.prompt;
  }
  const operator = currentOperator();
  const runId = newRunId();
  const folder = new RunFolder(root, runId);
  folder.create();
  folder.writeRunbookCopy(text);
  if (savedVms) keepRehearsalInventory(folder.dir, savedVms);

  const secretParams = Object.entries(runbook.params ?? {}).filter(([, param]) => param.secret).map(([name]) => name);
  const secrets = new Secrets();
  for (const name of secretParams) secrets.add(given[name], name);
  const path = resolve(file);
  const pauseToRead = interactive && Boolean(flags.training);
  // A note waits wherever an answer can be typed: the console, or line mode on a terminal.
  const pauseNotes = Boolean(io.stdin.isTTY);
  // Past real runs of this runbook, for the ETA and go/no-go; a dry run or rehearsal reads them too.
  const history = engineFigures(readHistory(root, path));
  // run-start goes into the staged folder; only then does the folder take its run id.
  const firstRecord = new JournalWriter(folder.journal, secrets.mask);
  firstRecord.append({
    type: 'run-start',
    at: Date.now(),
    v: JOURNAL_VERSION,
    run: runId,
    runbook: { path, sha256: sha256(text), title: runbook.title, copy: folder.relative(folder.runbookCopy) },
    params: Object.fromEntries(Object.entries(given).map(([name, value]) => [name, secretParams.includes(name) ? SECRET_MASK : value])),
    secret_params: secretParams,
    options: { yes: flags.yes, dry_run: flags.dryRun, pause_notes: pauseNotes, pause_to_read: pauseToRead, ...(flags.guided ? { guided: true } : {}) },
    operator,
    ...(flags.rehearse ? { rehearsal: true } : {}),
    ...(members ? { members } : {}),
    ...(history ? { history } : {}),
  });
  firstRecord.close();
  folder.publish();
  const journal = new JournalWriter(folder.journal, secrets.mask);
  indexRun(root, { id: runId, title: runbook.title, runbook: path, host: null, started_at: Date.now(), operator: operator.user, steps_total: runbook.steps.length });

  const rehearsalOptions = { ...(flags.rehearse ? { rehearsal: true } : {}), ...(flags.guided ? { guided: true } : {}) };
  const state = initialState(
    runbook,
    { yes: flags.yes, dryRun: flags.dryRun, pauseToRead, pauseNotes, runId, operator: operator.user, ...rehearsalOptions, ...(history ? { history } : {}) },
    given,
    members,
  );
  const session = new Session({
    root,
    folder,
    journal,
    secrets,
    state,
    records: [],
    runbookPath: path,
    takeOver,
    io,
    prompt,
    console: interactive ? { training: Boolean(flags.training) } : undefined,
  });
  const code = await session.run();
  recordPastRun(root, path, session.state, { rehearsal: flags.rehearse });
  return code;
}

export { UsageError };
