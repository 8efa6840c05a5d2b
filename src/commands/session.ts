// One sitting at a run, fresh (`run`) or resumed (`resume`): the driver with its journal, the host
// lock, detached commands, and the signals. SIGHUP and SIGTERM journal the interruption and leave
// the command running; only an explicit abort (Ctrl-C then yes, or `a`) ends its process tree.
import { targetName } from '../engine/context.js';
import { isFinished, reduce } from '../engine/engine.js';
import type { EngineEvent, RunState } from '../engine/types.js';
import { EXIT } from '../exit-codes.js';
import { DurableExec } from '../journal/durable-exec.js';
import { acquireLock, describeLock, LockRefused, releaseLock } from '../journal/host-lock.js';
import { JournalObserver } from '../journal/journal-observer.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { currentOperator } from '../journal/operator.js';
import type { JournalRecord } from '../journal/records.js';
import type { RunFolder } from '../journal/run-folder.js';
import { markRunEnded } from '../journal/run-index.js';
import type { Secrets } from '../journal/secrets.js';
import { LinePrompter } from '../plain/line-prompter.js';
import { PlainRenderer } from '../plain/plain-renderer.js';
import { colourWanted, makeStyle, type Style } from '../plain/style.js';
import { NoInputError, RunDriver, type RunObserver } from '../run/drive-run.js';
import { hypervisorFor, type Hypervisor } from '../run/hypervisor.js';
import { renderText } from '../runbook/template.js';
import type { Io } from './run.js';

/** The line prompter, with hooks the session fills in once it exists (resume asks before then). */
export function makePrompter(io: Io, style: Style) {
  const hooks = { interrupt: () => {}, idleLine: (_line: string) => false };
  const prompter = new LinePrompter(io.stdin, io.stdout, style, () => hooks.interrupt(), io.stdin.isTTY ? (line) => hooks.idleLine(line) : undefined);
  return { prompter, hooks };
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
  readonly prompter: LinePrompter;
  readonly hypervisor: Hypervisor;
  readonly exec: DurableExec;
  private readonly journalObserver: JournalObserver;
  private driver: RunDriver | undefined;
  private lockedHost: string | undefined;
  private confirming = false;
  private readonly controller = new AbortController();

  constructor(private readonly setup: SessionSetup) {
    const { io, folder, journal, secrets } = setup;
    this.state = setup.state;
    this.style = makeStyle(colourWanted(io.stdout));
    this.renderer = new PlainRenderer(io.stdout, this.style);
    const prompt = setup.prompt ?? makePrompter(io, this.style);
    prompt.hooks.interrupt = () => this.onInterrupt('Ctrl-C');
    prompt.hooks.idleLine = (line) => this.onIdleLine(line);
    this.prompter = prompt.prompter;
    this.hypervisor = hypervisorFor(this.state.runbook, { simStateFile: this.state.options.dryRun ? undefined : folder.simHost });
    this.exec = new DurableExec(folder, journal, secrets, setup.records);
    this.journalObserver = new JournalObserver(journal, secrets);
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
    if (this.lockedHost || state.options.dryRun || state.phase === 'params') return;
    const host = targetName(state);
    const { io, root, runbookPath, takeOver } = this.setup;
    const acquired = await acquireLock(root, host, { run: this.runId, runbook: runbookPath, operator: currentOperator() }, async (held) => {
      if (takeOver) return true;
      io.stdout.write(`patchwalk: ${host} has a stale lock (its process is gone): ${describeLock(held)}\n`);
      const answer = await this.prompter.ask({ kind: 'confirm', question: `Take over the stale lock on ${host}?`, destructive: false }, { stepId: 'lock', signal: this.controller.signal });
      return answer === true;
    });
    this.lockedHost = host;
    this.setup.journal.append({ type: 'lock', at: Date.now(), action: acquired.action, host, ...(acquired.action === 'taken-over' ? { previous: acquired.previous } : {}) });
  }

  private release(): void {
    if (!this.lockedHost) return;
    if (releaseLock(this.setup.root, this.lockedHost)) this.setup.journal.append({ type: 'lock', at: Date.now(), action: 'released', host: this.lockedHost });
    this.lockedHost = undefined;
  }

  private onIdleLine(line: string): boolean {
    if (line.trim().toLowerCase() !== 'a' || this.driver?.current.effect?.type !== 'exec') return false;
    this.driver.interrupt('aborted by the operator (a)');
    return true;
  }

  /** Ctrl-C: on a terminal, while a command runs, ask first; otherwise end the command and the run. */
  private onInterrupt(source: string): void {
    const driver = this.driver;
    if (!driver) return;
    const running = driver.current.effect?.type === 'exec';
    if (!this.setup.io.stdin.isTTY || !running || this.confirming) {
      driver.interrupt(`${source} received`);
      return;
    }
    this.confirming = true;
    safeWrite(this.setup.io.stdout, '\n');
    this.prompter
      .ask({ kind: 'confirm', question: 'Abort the running command (it and everything it started end)?', destructive: true }, { stepId: 'abort', signal: this.controller.signal })
      .then(
        (answer) => {
          if (answer === true) driver.interrupt(`${source} received`);
          else safeWrite(this.setup.io.stdout, '  the command keeps running\n');
        },
        () => {},
      )
      .finally(() => (this.confirming = false));
  }

  /** SIGHUP or SIGTERM: record it, leave the command running, and go. */
  private detach(signal: NodeJS.Signals): never {
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
    safeWrite(this.setup.io.stderr, `\npatchwalk: ${signal}: ${left}pick the run up again with: patchwalk resume ${this.runId}\n`);
    process.exit(EXIT.interrupted);
  }

  async run(): Promise<number> {
    const { io, journal } = this.setup;
    const renderer = this.renderer;
    const observer: RunObserver = {
      event: (event, state, previous) => this.journalObserver.event(event, state, previous),
      beforeEffect: async (effect, state) => {
        await this.lock(state);
        this.journalObserver.beforeEffect(effect, state);
      },
      state: (state, previous) => renderer.state(state, previous),
      output: (stepId, stream, line) => renderer.output(stepId, stream, line),
      progress: (stepId, text) => renderer.progress(stepId, text),
    };
    const runbook = this.state.runbook;
    const ssh = runbook.target?.ssh ? renderText(runbook.target.ssh, (path) => this.state.params[path[0]] ?? runbook.params?.[path[0]]?.default) : undefined;
    const driver = new RunDriver(this.state, {
      ...this.hypervisor,
      prompter: this.prompter,
      exec: this.exec.exec,
      ssh: runbook.inventory?.provider === 'sim' || !runbook.inventory ? undefined : ssh,
      observer,
    });
    this.driver = driver;

    const onInt = () => this.onInterrupt('SIGINT');
    const onDetach = (signal: NodeJS.Signals) => this.detach(signal);
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onDetach);
    process.on('SIGHUP', onDetach);
    try {
      const end = await driver.run();
      this.state = end;
      if (isFinished(end)) {
        this.release();
        markRunEnded(this.setup.root, this.runId, end.phase);
      }
      if (end.phase === 'done') return EXIT.ok;
      if (end.phase === 'aborted' && end.interrupted) return EXIT.interrupted;
      return EXIT.failed;
    } catch (error) {
      if (error instanceof LockRefused) {
        io.stderr.write(`patchwalk: ${error.message}\n`);
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
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onDetach);
      process.off('SIGHUP', onDetach);
      this.controller.abort();
      this.prompter.close();
      journal.close();
    }
  }
}
