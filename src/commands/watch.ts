// `patchwalk watch [RUN|latest] [--plain]`: follows a run read-only from another session. The
// console shows what the driver's does, rebuilt from the journal and the output files; line mode
// prints the run as line mode does, following until the run ends. Nothing is written to the
// state dir, and the driver never knows or waits.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, KnownCauseError } from '../exit-codes.js';
import { scanJournal } from '../journal/journal-reader.js';
import type { RecordOf } from '../journal/records.js';
import { Replayer } from '../journal/replay.js';
import { RunFolder } from '../journal/run-folder.js';
import { stateDir } from '../journal/state-dir.js';
import { printable } from '../display/printable.js';
import { PlainRenderer } from '../plain/plain-renderer.js';
import { colourWanted, makeStyle } from '../plain/style.js';
import { loadRunbookText } from '../runbook/load.js';
import { formatProblem } from '../runbook/problem.js';
import { followLive } from '../watch/live.js';
import { checkReadableStateDir, runToWatch } from '../watch/pick-run.js';
import { RunFollower, type WatchStanding, type WatchView } from '../watch/run-follower.js';
import { sha256, wantsConsole, type Io } from './run.js';

export interface WatchFlags {
  plain: boolean;
}

/** The run-start record: the first line of every journal. */
function firstRecord(file: string): RecordOf<'run-start'> | undefined {
  let start: RecordOf<'run-start'> | undefined;
  try {
    // The first record is enough; the scan stops being read at once (records are small).
    scanJournal(file, (record) => {
      if (!start && record.type === 'run-start') start = record;
      if (!start) throw new KnownCauseError(`${file}: the journal does not begin with a run-start record`);
      throw STOP;
    });
  } catch (error) {
    if (error !== STOP) throw error;
  }
  return start;
}
const STOP = new Error('stop');

export async function watchRun(name: string | undefined, flags: WatchFlags, io: Io): Promise<number> {
  const root = stateDir(io.env ?? process.env);
  checkReadableStateDir(root);
  const id = runToWatch(root, name);
  const folder = new RunFolder(root, id);
  const start = firstRecord(folder.journal);
  if (!start) throw new KnownCauseError(`${folder.journal}: the journal has no run-start record; nothing to watch`);
  let copy: Buffer;
  try {
    copy = readFileSync(folder.runbookCopy);
  } catch (error) {
    throw new KnownCauseError(`${folder.runbookCopy} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): the run cannot be shown without the runbook it started with`);
  }
  if (sha256(copy) !== start.runbook.sha256) {
    io.stderr.write(`patchwalk: ${folder.runbookCopy} does not match the sha256 recorded when the run started; what is shown may differ from what runs\n`);
  }
  // A rehearsal may hold on: host steps without target.ssh, which only a rehearsal loads.
  const loaded = loadRunbookText(start.runbook.path, copy.toString('utf8'), { rehearsal: Boolean(start.rehearsal) });
  if (!loaded.runbook) {
    for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    return EXIT.usage;
  }
  const initial = new Replayer(start, loaded.runbook, {}).state;
  if (!wantsConsole({ plain: flags.plain }, io)) return watchPlain(folder, initial, io);
  return watchConsole(folder, initial, io);
}

/** Line mode: the run as `run --plain` prints it, plus who drives and what they are asked. */
async function watchPlain(folder: RunFolder, initial: Parameters<typeof PlainRenderer.prototype.state>[0], io: Io): Promise<number> {
  const style = makeStyle(colourWanted(io.stdout));
  const renderer = new PlainRenderer(io.stdout, style);
  let said = { driver: '', waiting: '', handover: 0 };
  io.stdout.write(`${style.dim(`watching run ${folder.id}; Ctrl-C stops watching (the run goes on)`)}\n`);
  const view: WatchView = {
    state: (state, previous) => renderer.state(state, previous),
    output: (stepId, stream, line) => renderer.output(stepId, stream, line),
    progress: (stepId, text) => renderer.progress(stepId, text),
    standing: (standing: WatchStanding) => {
      const driver = standing.driver ? `${standing.driver.user}${standing.driver.ssh_client ? ` from ${standing.driver.ssh_client}` : ''}` : '';
      // Journal text may hold anything a runbook or another session wrote: shown as printable text only.
      if (driver && driver !== said.driver) io.stdout.write(`  ${style.dim('driven by')} ${printable(driver)}\n`);
      if (standing.waiting && standing.waiting !== said.waiting) io.stdout.write(`  ${style.cyan('…')} ${printable(standing.waiting)}\n`);
      said = { driver, waiting: standing.waiting ?? '', handover: standing.handover?.at ?? 0 };
    },
  };
  const follower = new RunFollower(folder, initial, view);
  const ended = () => io.stdout.write(`run ${folder.id} ended · the report: patchwalk report ${folder.id}\n`);
  follower.pump();
  if (follower.finished) {
    ended();
    return EXIT.ok;
  }
  return new Promise<number>((resolve) => {
    const live = followLive(follower, folder, () => {
      if (!follower.finished) return;
      live.stop();
      ended();
      resolve(EXIT.ok);
    });
    // Nothing is at stake: Ctrl-C stops watching at once.
    process.once('SIGINT', () => {
      live.stop();
      resolve(EXIT.ok);
    });
  });
}

/** The console, as the driver sees it, with the keys that change nothing. */
async function watchConsole(folder: RunFolder, initial: Parameters<typeof PlainRenderer.prototype.state>[0], io: Io): Promise<number> {
  const { RunStore, mountWatcher } = await (await import('./session.js')).importConsole();
  // The scrollback lives outside the run folder: a watcher may only read there.
  const scratch = mkdtempSync(join(tmpdir(), 'patchwalk-watch-'));
  const store = new RunStore(initial, join(scratch, 'output.log'));
  const follower = new RunFollower(folder, initial, {
    state: (state, previous) => store.state(state, previous),
    output: (stepId, stream, line) => store.output(stepId, stream, line),
    progress: (stepId, text) => store.progress(stepId, text),
    standing: (standing) => store.watch(standing),
  });
  // The whole run so far, before the first frame: a late watcher has the full scrollback.
  store.watch({ driver: undefined, waiting: undefined, handover: undefined, interrupted: false, ended: false });
  follower.pump();
  const mounted = mountWatcher(store, { stdin: io.stdin as NodeJS.ReadStream, stdout: io.stdout as NodeJS.WriteStream });
  const live = followLive(follower, folder);
  // Ctrl-C comes as a key in the console; a dropped session (SIGHUP) or SIGTERM leaves like q.
  const onSignal = () => undefined;
  let leave: () => void = () => {};
  const left = new Promise<void>((resolve) => (leave = resolve));
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', leave);
  process.on('SIGTERM', leave);
  try {
    await Promise.race([mounted.exited, left]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', leave);
    process.off('SIGTERM', leave);
    live.stop();
    await mounted.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return EXIT.ok;
}
