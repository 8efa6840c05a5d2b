// One sitting at a run, fresh (`run`) or resumed (`resume`): the driver with its journal, the host
// lock, detached commands, and the signals. SIGHUP and SIGTERM journal the interruption and leave
// the command running; only an explicit abort (Ctrl-C then yes, or `a`) ends its process tree.
import { scopeFor, targetName, withParamDefaults } from '../engine/context.js';
import { currentMember } from '../rolling/cluster-runbook.js';
import { isFinished, reduce } from '../engine/engine.js';
import type { EngineEvent, RunState } from '../engine/types.js';
import { EXIT } from '../exit-codes.js';
import { DurableExec } from '../journal/durable-exec.js';
import { acquireLock, describeLock, LockRefused, releaseLock } from '../journal/host-lock.js';
import { JournalObserver } from '../journal/journal-observer.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { currentOperator } from '../journal/operator.js';
import type { JournalRecord } from '../journal/records.js';
import { replayEarlierOutput } from '../run/earlier-output.js';
import type { RunFolder } from '../journal/run-folder.js';
import { markRunEnded, noteRunTarget, unindexRun } from '../journal/run-index.js';
import type { Secrets } from '../journal/secrets.js';
import { LinePrompter } from '../plain/line-prompter.js';
import { PlainRenderer } from '../plain/plain-renderer.js';
import { colourWanted, makeStyle, type Style } from '../plain/style.js';
import { NoInputError, RunDriver, type RunObserver } from '../run/drive-run.js';
import { hypervisorFor, type Hypervisor } from '../run/hypervisor.js';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SshConnections } from '../exec/ssh-transport.js';
import type { Prompter } from '../run/drive-run.js';
import type { Io } from './run.js';
import { HandoverDetector } from '../watch/handover.js';
import { printable } from '../display/printable.js';
import { driverName } from '../watch/run-follower.js';
import { watchAfterHandover, type TakenOverConsole } from '../watch/after-handover.js';
import type { RecordOf } from '../journal/records.js';
import { interruptedRunNotice, leftRun } from './interrupted-runs.js';
import { rehearsalExec, rehearsalHypervisor, type RehearsalSetup } from '../rehearsal/rehearsal-session.js';
import { startRunNotifier, type RunNotifier } from '../notify/run-notifier.js';
import { vmsBeforeAfter } from '../display/vm-rows.js';
import { NOTIFY_FLUSH_MS } from '../limits.js';
import { waitForDecision } from '../approval/approval-wait.js';
import { prepareApprovalsDir } from '../approval/decision-file.js';

/** The line prompter, with hooks the session fills in once it exists (resume asks before then). */
export function makePrompter(io: Io, style: Style) {
  const hooks = { interrupt: () => {}, idleLine: (_line: string) => false };
  const prompter = new LinePrompter(io.stdin, io.stdout, style, () => hooks.interrupt(), io.stdin.isTTY ? (line) => hooks.idleLine(line) : undefined);
  return { prompter, hooks };
}

/**
 * The console with its libraries in one file (console-bundle.config.mjs, made by `npm run build`):
 * Ink and React as ~800 separate modules took most of a second to load. Used only when it is at
 * least as new as every compiled console module, so a bare `tsc` never runs an older console.
 */
function consoleBundle(): string | undefined {
  const bundle = new URL('../ui/run-console.bundle.js', import.meta.url);
  try {
    const built = statSync(bundle).mtimeMs;
    const ui = fileURLToPath(new URL('../ui/', import.meta.url));
    const compiled = readdirSync(ui, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js') && !name.startsWith('run-console.bundle'));
    return compiled.every((name) => statSync(join(ui, name)).mtimeMs <= built) ? bundle.href : undefined;
  } catch {
    return undefined; // No bundle: running from the sources (tests) or a build without it.
  }
}

/**
 * Loads the console. Ink draws only a final frame when it believes it runs in CI, and it decides
 * once, on load. The console is chosen only when both ends are terminals, so someone is watching
 * whatever CI says: the variables are hidden while Ink loads, then put back for step commands.
 */
export async function importConsole(): Promise<typeof import('../ui/run-console.js')> {
  const keys = ['CI', 'CONTINUOUS_INTEGRATION'];
  const saved = keys.map((key) => [key, process.env[key]] as const);
  for (const key of keys) delete process.env[key];
  try {
    const bundle = consoleBundle();
    return bundle ? ((await import(bundle)) as typeof import('../ui/run-console.js')) : await import('../ui/run-console.js');
  } finally {
    for (const [key, value] of saved) if (value !== undefined) process.env[key] = value;
  }
}

export interface SessionSetup {
  root: string;
  folder: RunFolder;
  journal: JournalWriter;
  secrets: Secrets;
  state: RunState;
  /** The journal so far (resume), for commands recorded as started. */
  records: JournalRecord[];
  runbookPath: string;
  takeOver: boolean;
  io: Io;
  prompt?: ReturnType<typeof makePrompter>;
  /** Walk the run in the full-screen console rather than line by line. */
  console?: { training: boolean };
  /** Take the host lock even from a live process: a handover whose driver did not let go in time. */
  takeLive?: boolean;
}

const safeWrite = (stream: NodeJS.WritableStream, text: string) => {
  try {
    stream.write(text);
  } catch {
    // The terminal may be gone with the SSH session.
  }
};

export class Session {
  state: RunState;
  readonly style: Style;
  readonly renderer: PlainRenderer;
  /** Made on first use: in the console Ink reads stdin, and a second reader would steal its keys. */
  private linePrompter: LinePrompter | undefined;
  readonly hypervisor: Hypervisor;
  readonly exec: DurableExec;
  private readonly journalObserver: JournalObserver;
  private driver: RunDriver | undefined;
  /** The run's ssh connections (on: host steps and providers), closed when the session ends. */
  private readonly connections = new SshConnections();
  /** Who answers prompts: the line prompter, or the console once it is up. */
  private activePrompter: Prompter;
  private lockedHost: string | undefined;
  private readonly rehearsal: RehearsalSetup | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly setup: SessionSetup) {
    const { io, folder, journal, secrets } = setup;
    this.state = setup.state;
    this.style = makeStyle(colourWanted(io.stdout));
    this.renderer = new PlainRenderer(io.stdout, this.style);
    if (setup.prompt) this.adopt(setup.prompt);
    // Line mode listens from the start: Ctrl-C and `a` arrive through the prompter's reader.
    else if (!setup.console) void this.prompter;
    this.activePrompter = { ask: (prompt, context) => this.prompter.ask(prompt, context) };
    const params = () => this.driver?.current.params ?? this.state.params;
    // A rehearsal: a simulated copy of the host, and a runner that executes nothing.
    this.rehearsal = this.state.options.rehearsal
      ? {
          runbook: this.state.runbook,
          runDir: folder.dir,
          stateFile: folder.simHost,
          params,
          connections: this.connections,
          mask: secrets.mask,
          ...(this.state.rolling ? { members: this.state.rolling.members } : {}),
          notice: (text: string) => journal.append({ type: 'notice', at: Date.now(), level: 'warn', text }),
        }
      : undefined;
    this.hypervisor = this.rehearsal
      ? rehearsalHypervisor(this.rehearsal)
      : hypervisorFor(this.state.runbook, {
          simStateFile: this.state.options.dryRun ? undefined : folder.simHost,
          params,
          connections: this.connections,
          members: this.state.rolling?.members,
        });
    this.exec = new DurableExec(folder, journal, secrets, setup.records);
    this.journalObserver = new JournalObserver(journal, secrets);
  }

  private adopt(prompt: ReturnType<typeof makePrompter>): LinePrompter {
    prompt.hooks.interrupt = () => this.onInterrupt('Ctrl-C');
    prompt.hooks.idleLine = (line) => this.onIdleLine(line);
    this.linePrompter = prompt.prompter;
    return prompt.prompter;
  }

  get prompter(): LinePrompter {
    return this.linePrompter ?? this.adopt(makePrompter(this.setup.io, this.style));
  }

  get runId(): string {
    return this.state.options.runId;
  }

  /** Applies an event outside the driver (resume's own findings), journaled like any other. */
  apply(event: EngineEvent): void {
    const previous = this.state;
    this.state = reduce(this.state, event);
    this.journalObserver.event(event, this.state, previous);
  }

  /** One run per host: taken once the target is known (after the params), never for a dry run. */
  async lock(state: RunState = this.state): Promise<void> {
    if (state.rolling) await this.lockMember(state);
    // A rehearsal changes nothing on the real host: it takes no lock there.
    if (this.lockedHost || state.options.dryRun || state.options.rehearsal || state.phase === 'params') return;
    // A rolling locks its cluster for the whole run, and each member while it is in maintenance.
    const host = state.rolling ? state.rolling.cluster : targetName(state);
    const { io, root, runbookPath, takeOver } = this.setup;
    const acquired = await acquireLock(root, host, { run: this.runId, runbook: runbookPath, operator: currentOperator() }, async (held) => {
      if (takeOver) return true;
      // Said inside the question: in the console, a line written past Ink would be drawn over.
      const left = leftRun(root, held.run);
      const about = left ? interruptedRunNotice(host, left).join(' ') : `${host} has a stale lock (its process is gone): ${describeLock(held)}.`;
      const question = `${about} Start this new run anyway and take over its lock?`;
      const answer = await this.activePrompter.ask({ kind: 'confirm', question, destructive: false }, { stepId: 'lock', signal: this.controller.signal });
      return answer === true;
    }, { live: this.setup.takeLive });
    this.lockedHost = host;
    this.setup.journal.append({ type: 'lock', at: Date.now(), action: acquired.action, host, ...(acquired.action === 'taken-over' ? { previous: acquired.previous } : {}) });
  }

  private targetNoted = false;

  /** `runs` shows the title as the operator saw it, templates filled in, once the params have values. */
  private noteTarget(state: RunState): void {
    if (this.targetNoted || state.phase === 'params' || this.setup.records.length > 0) return;
    this.targetNoted = true;
    let title = state.runbook.title;
    try {
      title = scopeFor(state).text(title);
    } catch {
      // Shown as written.
    }
    const host = targetName(state);
    noteRunTarget(this.setup.root, this.runId, { title, host });
    this.setup.journal.append({ type: 'target', at: Date.now(), title, host });
  }

  private lockedMember: string | undefined;

  /** In a rolling: the member being patched is locked from its first step to its last. */
  private async lockMember(state: RunState): Promise<void> {
    // A rehearsal changes nothing on a real member either: no member lock.
    if (state.options.dryRun || state.options.rehearsal) return;
    const member = currentMember(state)?.name;
    if (member === this.lockedMember) return;
    this.releaseMember();
    if (!member) return;
    const { root, runbookPath } = this.setup;
    const acquired = await acquireLock(root, member, { run: this.runId, runbook: runbookPath, operator: currentOperator() }, async () => this.setup.takeOver);
    this.lockedMember = member;
    this.setup.journal.append({ type: 'lock', at: Date.now(), action: acquired.action, host: member });
  }

  private releaseMember(): void {
    if (!this.lockedMember) return;
    if (releaseLock(this.setup.root, this.lockedMember)) this.setup.journal.append({ type: 'lock', at: Date.now(), action: 'released', host: this.lockedMember });
    this.lockedMember = undefined;
  }

  private release(): void {
    this.releaseMember();
    if (!this.lockedHost) return;
    if (releaseLock(this.setup.root, this.lockedHost)) this.setup.journal.append({ type: 'lock', at: Date.now(), action: 'released', host: this.lockedHost });
    this.lockedHost = undefined;
  }

  private onIdleLine(line: string): boolean {
    // Waiting for a second operator: q asks the quit question, whose default keeps the request and the run.
    if (line.trim().toLowerCase() === 'q' && this.driver?.current.effect?.type === 'approval') {
      this.driver.requestQuit();
      return true;
    }
    if (line.trim().toLowerCase() !== 'a' || this.driver?.current.effect?.type !== 'exec') return false;
    this.driver.interrupt('aborted by the operator (a)');
    return true;
  }

  /**
   * Ctrl-C: the quit question, as q asks it, on a terminal; it names the VMs this run has off and
   * its default keeps the run resumable. Without a terminal to ask on, a SIGINT interrupts at once.
   */
  private onInterrupt(source: string): void {
    const driver = this.driver;
    if (!driver) return;
    // The console asks on its own keys; a SIGINT from outside stops it at once.
    if (!this.setup.io.stdin.isTTY || this.setup.console) {
      driver.interrupt(`${source} received`);
      return;
    }
    safeWrite(this.setup.io.stdout, '\n');
    driver.requestQuit();
  }

  /** SIGHUP or SIGTERM, or the operator chose to leave: record it, leave the command running, and go. */
  private detach(signal: NodeJS.Signals | 'leave'): never {
    const current = this.exec.current;
    const effect = this.driver?.current.effect ?? this.state.effect;
    this.setup.journal.append({
      type: 'interrupted',
      at: Date.now(),
      signal,
      step: effect && 'stepId' in effect ? effect.stepId : undefined,
      left_running: current ? { pid: this.exec.pidOf(current.files), output: this.setup.folder.relative(current.files.outFile) } : undefined,
      pid: process.pid,
    });
    const left = current ? `the command of step ${current.stepId} keeps running (pid ${this.exec.pidOf(current.files) ?? '?'}); ` : '';
    const why = signal === 'leave' ? 'you left the run' : signal;
    safeWrite(this.setup.io.stderr, `\npatchwalk: ${why}: ${left}pick the run up again with: patchwalk resume ${this.runId}\n`);
    process.exit(EXIT.interrupted);
  }

  /** Where the run is shown: line by line, or the console (loaded only when used: Ink is slow to load). */
  private async frontEnd(): Promise<{
    view: Required<Pick<RunObserver, 'state' | 'output' | 'progress'>>;
    /** The console, for a session whose run is taken over: it goes on as a watcher. */
    watch: TakenOverConsole | undefined;
    finish(end: RunState): Promise<void>;
    abandon(): Promise<void>;
  }> {
    const { io, folder } = this.setup;
    if (!this.setup.console) return { view: this.renderer, finish: async () => {}, abandon: async () => {}, watch: undefined };
    const { mountConsole } = await importConsole();
    const mounted = mountConsole(this.state, () => this.driver, {
      training: this.setup.console.training,
      outputPath: join(folder.dir, 'console-output.log'),
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
    });
    this.activePrompter = mounted.store;
    // Resumed: what the run printed before is there to scroll back to; the console opens on the tail.
    if (this.setup.records.length > 0) {
      const effect = this.state.effect;
      mounted.store.earlier((append) => replayEarlierOutput(folder.dir, this.setup.records, this.state, effect?.type === 'exec' ? effect.id : undefined, append));
    }
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await mounted.close();
      this.activePrompter = { ask: (prompt, context) => this.prompter.ask(prompt, context) };
    };
    return {
      view: mounted.store,
      watch: { store: mounted.store, exited: mounted.exited },
      finish: async (end) => {
        // The summary stays up until the operator has read it; quitting or an interruption leaves at once.
        if (end.phase !== 'aborted') await mounted.exited;
        await close();
        this.renderer.summary(end);
      },
      abandon: close,
    };
  }

  /**
   * The run was taken over: journal that this session stopped (unless the new driver already went
   * on), release the lock, and write nothing more. Whatever was under way is left to the new driver.
   */
  private letGo(detector: HandoverDetector): void {
    const { journal } = this.setup;
    if (!detector.resumedAfter) {
      this.release();
      const current = this.exec.current;
      const effect = this.driver?.current.effect ?? this.state.effect;
      journal.append({
        type: 'interrupted',
        at: Date.now(),
        signal: 'handover',
        step: effect && 'stepId' in effect ? effect.stepId : undefined,
        left_running: current ? { pid: this.exec.pidOf(current.files), output: this.setup.folder.relative(current.files.outFile) } : undefined,
        pid: process.pid,
      });
    }
    this.lockedHost = undefined;
    journal.stopWriting();
  }

  /** The console goes on as a watcher until its operator quits; line mode says so and ends. */
  private async afterHandover(
    record: RecordOf<'handover'>,
    detector: HandoverDetector,
    console: TakenOverConsole | undefined,
    closeConsole: () => Promise<void>,
    notifying: RunNotifier | undefined,
  ): Promise<never> {
    const { io, folder } = this.setup;
    // The new driver's session tells the people around the window from now on; what is queued here still goes.
    const notified = notifying?.finish(NOTIFY_FLUSH_MS);
    const by = printable(`${driverName(record.to)}${record.reason ? ` (${record.reason})` : ''}`);
    if (console) {
      const current = this.exec.current;
      await watchAfterHandover(console, {
        folder,
        state: this.driver?.current ?? this.state,
        handover: record,
        offset: detector.offset,
        command: current ? { outFile: current.files.outFile, stepId: current.stepId } : undefined,
        takenOverBy: by,
      });
    }
    await closeConsole();
    safeWrite(io.stderr, `\npatchwalk: run ${this.runId} was taken over by ${by}; this session no longer drives it. Follow it with: patchwalk watch ${this.runId}\n`);
    await this.connections.closeAll().catch(() => {});
    await notified;
    process.exit(EXIT.interrupted);
  }

  /** Notifications (runbook `notify:` and the user's settings) follow the journal from here on. */
  private startNotifying(): RunNotifier | undefined {
    const { io, journal, secrets } = this.setup;
    const current = () => this.driver?.current ?? this.state;
    const notifier = startRunNotifier({
      state: this.state,
      journal,
      mask: secrets.mask,
      stderr: io.stderr,
      lineMode: !this.setup.console,
      env: io.env,
      notBack: () => vmsBeforeAfter(current()).flatMap((vm) => (vm.back ? [] : [vm.name])),
      facts: () => {
        // The run may be told before every param is answered: defaults stand in for the rest.
        const state = withParamDefaults(current());
        let title = state.runbook.title;
        try {
          title = scopeFor(state).text(title);
        } catch {
          // Shown as written.
        }
        return { run: this.runId, runbook: title, host: targetName(state), operator: state.options.operator };
      },
    });
    if (notifier && this.setup.records.length === 0 && this.state.startedAt === undefined) {
      notifier.notifier.notify({ event: 'run-started', say: 'the run started' });
    }
    return notifier;
  }

  async run(): Promise<number> {
    const { io, journal } = this.setup;
    const notifying = this.startNotifying();
    const front = await this.frontEnd();
    const view = front.view;
    // Someone may take the run over (resume --take-over): from then on this session drives nothing.
    const detector = new HandoverDetector(journal.file);
    let takenOver: (record: RecordOf<'handover'>) => void = () => {};
    const handedOver = new Promise<RecordOf<'handover'>>((resolve) => (takenOver = resolve));
    let handover: RecordOf<'handover'> | undefined;
    const letGo = (record: RecordOf<'handover'>) => {
      if (handover) return;
      handover = record;
      detector.stop();
      this.letGo(detector);
      takenOver(record);
    };
    detector.watch(letGo);
    const observer: RunObserver = {
      event: (event, state, previous) => this.journalObserver.event(event, state, previous),
      beforeEffect: async (effect, state) => {
        // Checked before every effect, not only when the poll comes round: no effect runs after a handover.
        if (handover || detector.check()) {
          if (detector.found) letGo(detector.found);
          await new Promise(() => {});
        }
        this.noteTarget(state);
        await this.lock(state);
        if (effect.type === 'approval') prepareApprovalsDir(this.setup.folder);
        this.journalObserver.beforeEffect(effect, state);
      },
      state: (state, previous) => !handover && view.state(state, previous),
      output: (stepId, stream, line) => !handover && view.output(stepId, stream, line),
      progress: (stepId, text) => !handover && view.progress(stepId, text),
    };
    const runbook = this.state.runbook;
    const hypervisor = this.hypervisor;
    const driver = new RunDriver(this.state, {
      provider: hypervisor.provider,
      host: hypervisor.host,
      prompter: this.activePrompter,
      // Every step command runs detached and journaled, so it outlives the terminal; on: host steps
      // go over the run's one multiplexed ssh connection, which can end the remote process too and
      // tells a lost link from a failed command.
      exec: this.rehearsal
        ? rehearsalExec(this.rehearsal, { folder: this.setup.folder, journal: this.setup.journal })
        : (request) => this.exec.exec(request.ssh ? { ...request, transport: this.connections.get(request.ssh, hypervisor.flavour) } : request),
      ssh: hypervisor.ssh,
      cluster: hypervisor.cluster,
      observer,
      onLeave: () => this.detach('leave'),
      approval: (effect, signal) =>
        waitForDecision(this.setup.folder, effect, {
          driverUid: process.getuid?.() ?? 0,
          signal,
          onIgnored: (text) => {
            view.progress(effect.stepId, text);
            journal.append({ type: 'notice', at: Date.now(), level: 'warn', text });
          },
        }),
    });
    this.driver = driver;

    const onInt = () => this.onInterrupt('SIGINT');
    const onDetach = (signal: NodeJS.Signals) => this.detach(signal);
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onDetach);
    process.on('SIGHUP', onDetach);
    try {
      const ended = await Promise.race([driver.run(), handedOver]);
      if ('type' in ended) return await this.afterHandover(ended, detector, front.watch, front.abandon, notifying);
      const end = ended;
      this.state = end;
      if (driver.left) {
        await front.abandon();
        this.detach('leave');
      }
      await front.finish(end);
      if (isFinished(end)) safeWrite(io.stdout, `run ${this.runId} · the report: patchwalk report ${this.runId}\n`);
      if (isFinished(end)) {
        this.release();
        markRunEnded(this.setup.root, this.runId, end.phase);
      }
      if (end.phase === 'done') return EXIT.ok;
      if (end.phase === 'aborted' && end.interrupted) return EXIT.interrupted;
      return EXIT.failed;
    } catch (error) {
      await front.abandon();
      if (error instanceof LockRefused) {
        io.stderr.write(`patchwalk: ${error.message}\n`);
        if (this.setup.records.length === 0) {
          // A new run stops here before its first action: declining leaves no run behind to be
          // mistaken for one to resume.
          journal.close();
          rmSync(this.setup.folder.dir, { recursive: true, force: true });
          unindexRun(this.setup.root, this.runId);
          io.stderr.write('patchwalk: nothing was started or recorded\n');
          return EXIT.failed;
        }
        journal.append({ type: 'run-end', at: Date.now(), phase: 'failed', outcome: error.message });
        markRunEnded(this.setup.root, this.runId, 'failed');
        return EXIT.failed;
      }
      if (error instanceof NoInputError) {
        const yes = this.state.options.yes;
        io.stderr.write(`patchwalk: ${error.message}; stdin is closed. Answer it on a terminal, or pipe the answer in${yes ? '' : ', or use --yes'}.\n`);
        if (yes && !runbook.unattended) {
          io.stderr.write(`patchwalk: --yes does not answer destructive prompts unless the runbook sets "unattended: true".\n`);
        }
        io.stderr.write(`patchwalk: the run is kept; go on with: patchwalk resume ${this.runId}\n`);
        // Nothing runs on the host while patchwalk waits for an answer: the lock can go.
        this.release();
        return EXIT.noInput;
      }
      throw error;
    } finally {
      detector.stop();
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onDetach);
      process.off('SIGHUP', onDetach);
      await front.abandon();
      this.controller.abort();
      this.linePrompter?.close();
      await notifying?.finish(NOTIFY_FLUSH_MS);
      journal.close();
      await this.connections.closeAll();
    }
  }
}
