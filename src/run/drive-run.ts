// Drives the pure engine: performs each effect it names and feeds the outcome back as an event.
// Renderers watch through the observer; nothing here draws.
import { isFinished, reduce } from '../engine/engine.js';
import type { Approver, Effect, EngineEvent, MemberFree, Prompt, PromptAnswer, RunState, VmState } from '../engine/types.js';
import { commandText } from '../runbook/template.js';
import { stoppedAndOff } from '../engine/engine.js';
import { quitQuestion, type QuitChoice } from '../engine/prompt-model.js';
import type { ExecRequest, ExecResult, Stream } from '../exec/exec-request.js';
import type { HostControl, InventoryProvider } from '../inventory/provider.js';

export interface Prompter {
  /** Resolves with the operator's answer; rejects with NoInputError when no input can come. */
  ask(prompt: Prompt, context: { stepId: string; signal: AbortSignal }): Promise<PromptAnswer>;
}

/** A prompter rejects with this when the operator asks to quit (q, Ctrl-C) at a prompt. */
export class QuitRequested extends Error {
  constructor() {
    super('the operator asked to quit');
  }
}


export class NoInputError extends Error {
  constructor(readonly question: string) {
    super(`input needed but none available: "${question}"`);
  }
}

export interface RunObserver {
  /** Awaited before an effect is performed: the place to make a record durable first. */
  beforeEffect?(effect: Effect, state: RunState): void | Promise<void>;
  /** Every event the driver dispatches, with the state it led to: the journal's feed. */
  event?(event: EngineEvent, state: RunState, previous: RunState): void;
  state?(state: RunState, previous: RunState | undefined): void;
  output?(stepId: string, stream: Stream, line: string): void;
  /** A line about progress that is not command output: VM state changes, the reboot. */
  progress?(stepId: string, text: string): void;
}

export interface RunDeps {
  provider: InventoryProvider;
  host: HostControl;
  prompter: Prompter;
  exec: (request: ExecRequest) => Promise<ExecResult>;
  /** ssh destination of on: host steps, read when each runs (params may be answered late); undefined
   * runs them here. */
  ssh?: () => string | undefined;
  observer: RunObserver;
  now?: () => number;
  /** The operator left the run while an action runs: the session detaches and exits (the action goes on). */
  onLeave?: () => void;
  /** Waits for a second operator's decision on a two-person approval; undefined once `signal` aborts. */
  approval?: (effect: Extract<Effect, { type: 'approval' }>, signal: AbortSignal) => Promise<ApprovalAnswer | undefined>;
  /** A cluster runbook's members: their capacity and where their `on: host` commands go. */
  cluster?: ClusterControl;
}

export interface ClusterControl {
  capacity(): Promise<MemberFree[]>;
  /** The member's ssh destination for `on: host` steps; undefined runs them here. */
  sshFor(member: string): string | undefined;
}

export interface ApprovalAnswer {
  decision: 'granted' | 'denied';
  approver: Approver;
  reason?: string;
}

export class RunDriver {
  private state: RunState;
  private controller = new AbortController();
  private interruption: string | undefined;
  private decided = false;
  private readonly now: () => number;
  /** The open prompt's own abort: a quit request cancels the question, not the run. */
  private promptController: AbortController | undefined;
  private quitAsking = false;
  /** The quit question's own abort: q or Ctrl-C again there leaves. */
  private quitController: AbortController | undefined;
  /** A quit question asked while an action ran: the next effect waits for its answer. */
  private quitPending: Promise<void> | undefined;
  /** Set when the operator chose to start this run's VMs before ending. */
  private windDownReason: string | undefined;
  /** The operator chose to leave the run interrupted; `run()` returns with the run unfinished. */
  left = false;
  /** The wait for an approval, which leaving ends (nothing runs that could go on detached). */
  private approvalWait: AbortController | undefined;

  constructor(
    initial: RunState,
    private readonly deps: RunDeps,
  ) {
    this.state = initial;
    this.now = deps.now ?? Date.now;
  }

  get current(): RunState {
    return this.state;
  }

  /** Ctrl-C or a signal: ends the running command's process tree, then the run. */
  interrupt(reason: string): void {
    this.interruption ??= reason;
    this.controller.abort();
  }

  /** The operator chose to stop the run (quit): as an interruption, but it counts as a decision. */
  abort(reason: string): void {
    if (!this.interruption) this.decided = true;
    this.interrupt(reason);
  }

  /**
   * q, Ctrl-C or Esc-then-quit: asks the quit question, naming the VMs this run has off. At a
   * prompt the question replaces it until answered; while an action runs the action goes on while
   * the operator decides. Leaving (the default) keeps the run resumable.
   */
  requestQuit(): void {
    if (this.interruption) return;
    // q or Ctrl-C again at the quit question means what Enter means there: leave, resumable.
    if (this.quitAsking) {
      this.quitController?.abort(new QuitRequested());
      return;
    }
    if (this.promptController) {
      this.promptController.abort(new QuitRequested());
      return;
    }
    this.quitPending = this.askQuit()
      .catch(() => 'leave' as const)
      .then((decision) => this.actOnQuit(decision))
      .finally(() => (this.quitPending = undefined));
  }

  private async askQuit(lead?: string): Promise<QuitChoice> {
    this.quitAsking = true;
    const prompt = quitQuestion(stoppedAndOff(this.state), lead);
    const controller = new AbortController();
    this.quitController = controller;
    const run = this.controller.signal;
    const cancel = () => controller.abort(run.reason);
    run.addEventListener('abort', cancel, { once: true });
    try {
      const answer = await this.deps.prompter.ask(prompt, { stepId: 'quit', signal: controller.signal });
      return String(answer) as QuitChoice;
    } catch (error) {
      // q again at the quit question means what Enter means: leave, resumable.
      if (error instanceof QuitRequested || controller.signal.reason instanceof QuitRequested) return 'leave';
      throw error;
    } finally {
      run.removeEventListener('abort', cancel);
      this.quitController = undefined;
      this.quitAsking = false;
    }
  }

  /** While an action runs: end it and everything it started, or leave it running and go. */
  private actOnQuit(decision: QuitChoice): void {
    if (decision === 'back') return;
    if (decision === 'end') this.abort('the operator quit and ended the run');
    else if (decision === 'restore') {
      this.windDownReason = 'the operator quit';
      this.interrupt('the operator quit');
    } else {
      this.left = true;
      this.approvalWait?.abort();
      this.deps.onLeave?.();
    }
  }

  /** True while a step's command is running. */
  get commandRunning(): boolean {
    const type = this.state.effect?.type;
    return type === 'exec' || type === 'vm-power' || type === 'vm-snapshot' || type === 'reboot';
  }

  private dispatch(event: EngineEvent): void {
    const previous = this.state;
    this.state = reduce(this.state, event);
    this.deps.observer.event?.(event, this.state, previous);
    if (this.state !== previous) this.deps.observer.state?.(this.state, previous);
  }

  async run(): Promise<RunState> {
    if (!this.state.startedAt) this.dispatch({ type: 'start', at: this.now() });
    while (!isFinished(this.state) && this.state.effect && !this.left) {
      await this.deps.observer.beforeEffect?.(this.state.effect, this.state);
      const event = await this.perform(this.state.effect);
      // One question at a time: a quit question still open decides before anything else is asked.
      if (this.quitPending) await this.quitPending;
      if (this.left) break;
      if (this.windDownReason) {
        const reason = this.windDownReason;
        this.windDownReason = undefined;
        this.interruption = undefined;
        this.controller = new AbortController();
        this.dispatch({ type: 'wind-down', reason, at: this.now() });
        continue;
      }
      if (this.interruption) {
        this.dispatch({ type: 'abort', reason: this.interruption, at: this.now(), decided: this.decided });
        break;
      }
      this.dispatch(event);
      if (this.noGo(event)) await this.afterOpenQuestion({ ended: 'no-go: the operator ended the run', windDown: 'no-go' });
      else if (event.type === 'answer' && this.state.declined) {
        // A no that would end the run while VMs this run stopped are off: the engine keeps the question open.
        const { step, reason } = this.state.declined;
        await this.afterOpenQuestion({ lead: `No at step ${step} ends the run. `, ended: reason, windDown: reason });
      }
    }
    return this.state;
  }

  /** A no-go leaves the go/no-go question open in the engine; what happens next is the quit question's. */
  private noGo(event: EngineEvent): boolean {
    const effect = this.state.effect;
    return event.type === 'answer' && event.value === 'no-go' && effect?.type === 'prompt' && effect.prompt.kind === 'go-no-go';
  }

  /**
   * After an answer that stops the run but leaves its question open in the engine (a no-go, a no
   * with VMs off): the quit question decides, with leaving (resumable) as its default; going back
   * asks the open question again.
   */
  private async afterOpenQuestion({ lead, ended, windDown }: { lead?: string; ended: string; windDown: string }): Promise<void> {
    const decision = await this.askQuit(lead);
    if (decision === 'leave') this.left = true;
    else if (decision === 'end') this.dispatch({ type: 'abort', reason: ended, at: this.now(), decided: true });
    else if (decision === 'restore') this.dispatch({ type: 'wind-down', reason: windDown, at: this.now() });
  }

  /** Asks a step's question; a quit request in the middle asks the quit question, then this one again. */
  private async askPrompt(effect: Extract<Effect, { type: 'prompt' }>, signal: AbortSignal): Promise<EngineEvent> {
    for (;;) {
      const controller = new AbortController();
      const cancel = () => controller.abort();
      signal.addEventListener('abort', cancel, { once: true });
      this.promptController = controller;
      try {
        const value = await this.deps.prompter.ask(effect.prompt, { stepId: effect.stepId, signal: controller.signal });
        return { type: 'answer', effectId: effect.id, value, at: this.now() };
      } catch (error) {
        if (signal.aborted) return { type: 'abort', reason: this.interruption ?? 'interrupted', at: this.now() };
        if (!(error instanceof QuitRequested) && !(controller.signal.reason instanceof QuitRequested)) throw error;
      } finally {
        signal.removeEventListener('abort', cancel);
        this.promptController = undefined;
      }
      const decision = await this.askQuit();
      if (decision === 'back') continue;
      if (decision === 'leave') {
        this.left = true;
        return { type: 'abort', reason: 'left', at: this.now() };
      }
      if (decision === 'end') {
        this.decided = true;
        this.interruption = 'the operator quit and ended the run';
        return { type: 'abort', reason: this.interruption, at: this.now(), decided: true };
      }
      this.windDownReason = `the operator quit at step ${effect.stepId}`;
      return { type: 'abort', reason: this.windDownReason, at: this.now() };
    }
  }

  private async perform(effect: Effect): Promise<EngineEvent> {
    const signal = this.controller.signal;
    const observer = this.deps.observer;
    const dryRun = this.state.options.dryRun;
    switch (effect.type) {
      case 'prompt':
        return this.askPrompt(effect, signal);
      case 'exec': {
        if (dryRun) {
          return { type: 'exec-done', effectId: effect.id, exitCode: 0, timedOut: false, stdout: '', at: this.now() };
        }
        const result = await this.deps.exec({
          stepId: effect.stepId,
          effectId: effect.id,
          command: effect.command,
          ssh: effect.on !== 'host' ? undefined : effect.member && this.deps.cluster ? this.deps.cluster.sshFor(effect.member) : this.deps.ssh?.(),
          timeoutMs: effect.timeoutMs,
          capture: effect.capture,
          env: effect.env,
          signal,
          onLine: (stream, line) => observer.output?.(effect.stepId, stream, line),
        });
        return {
          type: 'exec-done',
          effectId: effect.id,
          exitCode: result.exitCode,
          timedOut: result.timedOut,
          stdout: result.stdout,
          error: result.error,
          connectionLost: result.connectionLost,
          at: this.now(),
        };
      }
      case 'capacity': {
        try {
          const members = (await this.deps.cluster?.capacity()) ?? [];
          return { type: 'capacity-loaded', effectId: effect.id, members, at: this.now() };
        } catch (error) {
          observer.progress?.(effect.stepId, `cannot read the members' capacity: ${(error as Error).message}`);
          return { type: 'capacity-loaded', effectId: effect.id, members: [], at: this.now() };
        }
      }
      case 'approval': {
        observer.progress?.(effect.stepId, `waiting for approval: ${effect.request.summary}`);
        observer.progress?.(effect.stepId, `a second operator approves with: patchwalk approve ${this.state.options.runId} (or deny … --reason); q quits and keeps the run resumable`);
        if (!this.deps.approval) throw new Error('internal: this run cannot wait for an approval');
        this.approvalWait = new AbortController();
        const answer = await this.deps.approval(effect, AbortSignal.any([signal, this.approvalWait.signal])).finally(() => (this.approvalWait = undefined));
        // Aborted: the loop ends the run (or leaves it) without this event.
        if (!answer) return { type: 'slept', effectId: effect.id, at: this.now() };
        return { type: 'approval-done', effectId: effect.id, ...answer, at: this.now() };
      }
      case 'sleep':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, effect.ms);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        return { type: 'slept', effectId: effect.id, at: this.now() };
      case 'inventory':
        // A dry run plays VM changes in the engine only; the real host still has the old states.
        if (dryRun && effect.stepId && this.state.vms) {
          return { type: 'inventory-loaded', effectId: effect.id, vms: this.state.vms, at: this.now() };
        }
        try {
          return { type: 'inventory-loaded', effectId: effect.id, vms: await this.deps.provider.list(), at: this.now() };
        } catch (error) {
          return { type: 'inventory-failed', effectId: effect.id, message: (error as Error).message, at: this.now() };
        }
      case 'vm-power': {
        const verb = { shutdown: 'shut down', poweroff: 'force power-off', start: 'start', migrate: `live-migrate to ${effect.to}` }[effect.action];
        if (dryRun) {
          observer.progress?.(effect.stepId, `would ${verb}: ${effect.vms.join(', ')}`);
          return { type: 'vm-power-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' })), at: this.now() };
        }
        observer.progress?.(effect.stepId, `${verb}: ${effect.vms.join(', ')}`);
        const results = await this.deps.provider.power({
          action: effect.action,
          vms: effect.vms,
          timeoutMs: effect.timeoutMs,
          concurrency: effect.concurrency,
          to: effect.to,
          signal,
          onState: (name: string, state: VmState) => {
            this.dispatch({ type: 'vm-state', name, state, at: this.now() });
            observer.progress?.(effect.stepId, `${name}: ${state}`);
          },
        });
        return { type: 'vm-power-done', effectId: effect.id, results, at: this.now() };
      }
      case 'vm-snapshot': {
        const verb = { create: `take snapshot ${effect.name} of`, revert: `revert to snapshot ${effect.name}`, delete: `delete snapshot ${effect.name} of` }[effect.action];
        if (dryRun) {
          observer.progress?.(effect.stepId, `would ${verb}: ${effect.vms.join(', ')}`);
          return { type: 'vm-snapshot-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' })), at: this.now() };
        }
        const provider = this.deps.provider;
        if (!provider.snapshot) {
          const message = `the ${provider.kind} provider cannot take or revert snapshots`;
          return { type: 'vm-snapshot-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'error', message })), at: this.now() };
        }
        observer.progress?.(effect.stepId, `${verb}: ${effect.vms.join(', ')}`);
        const results = await provider.snapshot({
          action: effect.action,
          vms: effect.vms,
          name: effect.name,
          memory: effect.memory,
          quiesce: effect.quiesce,
          timeoutMs: effect.timeoutMs,
          concurrency: effect.concurrency,
          signal,
          onState: (name: string, state: VmState) => {
            this.dispatch({ type: 'vm-state', name, state, at: this.now() });
            observer.progress?.(effect.stepId, `${name}: ${state}`);
          },
        });
        return { type: 'vm-snapshot-done', effectId: effect.id, results, at: this.now() };
      }
      case 'reboot': {
        if (dryRun) {
          const how = effect.command ? commandText(effect.command) : 'the default reboot command';
          observer.progress?.(effect.stepId, `would reboot ${effect.host} (${how}) and wait up to ${Math.round(effect.waitMs / 1000)}s for it`);
          return { type: 'reboot-done', effectId: effect.id, outcome: 'back', at: this.now() };
        }
        const result = await this.deps.host.reboot({
          host: effect.host,
          waitMs: effect.waitMs,
          command: effect.command,
          bootId: effect.bootId,
          check: effect.check,
          signal,
          onProgress: (text) => observer.progress?.(effect.stepId, text),
        });
        return { type: 'reboot-done', effectId: effect.id, outcome: result.outcome, message: result.message, at: this.now() };
      }
    }
  }
}
