// The console's view of a run, outside React: the driver reports into it (observer) and asks the
// operator through it (prompter). Components subscribe through hooks that batch its changes.
import { showsTextInFull } from '../kinds/registry.js';
import { commandLines, stepHeading, stepOutcome } from '../display/step-text.js';
import { printable } from '../display/printable.js';
import { transitions } from '../engine/transitions.js';
import type { Prompt, PromptAnswer, RunState } from '../engine/types.js';
import type { Stream } from '../exec/exec-request.js';
import { FRAME_MS, OUTPUT_FLUSH_MS } from '../limits.js';
import type { Prompter, RunObserver } from '../run/drive-run.js';
import { OutputLog, type LineKind } from '../run/output-log.js';
import { FrameClock } from './frame-clock.js';
import type { WatchStanding } from '../watch/run-follower.js';

export interface OpenPrompt {
  id: number;
  stepId: string;
  prompt: Prompt;
}

type Listener = () => void;

export class RunStore implements RunObserver, Prompter {
  run: RunState;
  prompt: OpenPrompt | undefined;
  readonly log: OutputLog;
  /** Bumped on every state or prompt change; output has its own counter, read at frame rate. */
  version = 0;
  outputVersion = 0;
  /** Commands started so far: the bench's steady state begins with the first. */
  commands = 0;
  /** Redraws for state and output changes, together and at most one a frame. */
  readonly frames = new FrameClock(FRAME_MS);
  /** Set when this console only watches (`patchwalk watch`, or a driver whose run was taken over). */
  watching: WatchStanding | undefined;
  private promptSeq = 0;
  private answerPrompt: ((value: PromptAnswer) => void) | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(initial: RunState, outputPath: string) {
    this.run = initial;
    this.log = new OutputLog(outputPath);
    this.flushTimer = setInterval(() => this.log.flush(), OUTPUT_FLUSH_MS);
    this.flushTimer.unref();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
    this.frames.request();
  }

  private outputChanged(): void {
    this.outputVersion++;
    this.frames.request();
  }

  private info(text: string): void {
    this.log.append('info', text);
    this.outputChanged();
  }

  // RunObserver ---------------------------------------------------------------------------------

  state(state: RunState, previous: RunState | undefined): void {
    this.run = state;
    for (const change of transitions(state, previous)) {
      if (change.type === 'step-started') {
        this.info(stepHeading(state, change.index));
      } else if (change.type === 'effect' && change.effect.type === 'exec') {
        this.commands++;
        const { lead, lines } = commandLines(state, change.effect);
        const [first, ...rest] = lines;
        this.info(`${lead} ${first ?? ''}`);
        for (const line of rest) this.info(`    ${line}`);
      } else if (change.type === 'step-ended') {
        const step = state.steps[change.index];
        if (!step || (showsTextInFull(step.kind) && step.status === 'done')) continue;
        this.info(stepOutcome(step));
      } else if (change.type === 'notice') {
        this.info(`${change.notice.level === 'warn' ? '! ' : ''}${printable(change.notice.text)}`);
      } else if (change.type === 'answer' && change.answer.by !== 'operator') {
        this.info(`? ${printable(change.answer.question)} → ${printable(change.answer.answer)} (${change.answer.by === 'yes' ? '--yes' : change.answer.by})`);
      }
    }
    this.changed();
  }

  /** Output from before a resume, put above the live tail in one change, not a frame per line. */
  earlier(fill: (append: (kind: LineKind, text: string) => void) => void): void {
    fill((kind, text) => this.log.append(kind, text));
    this.outputChanged();
  }

  output(_stepId: string, stream: Stream, line: string): void {
    this.log.append(stream, line);
    this.outputChanged();
  }

  progress(_stepId: string, text: string): void {
    this.info(`» ${text}`);
  }

  // Prompter ------------------------------------------------------------------------------------

  ask(prompt: Prompt, { stepId, signal }: { stepId: string; signal: AbortSignal }): Promise<PromptAnswer> {
    return new Promise((resolve, reject) => {
      this.prompt = { id: ++this.promptSeq, stepId, prompt };
      this.answerPrompt = resolve;
      signal.addEventListener(
        'abort',
        () => {
          // A question taken back (a quit request, an interruption) leaves the screen with it.
          if (this.answerPrompt === resolve) {
            this.prompt = undefined;
            this.answerPrompt = undefined;
            this.changed();
          }
          reject(signal.reason instanceof Error ? signal.reason : new Error('interrupted'));
        },
        { once: true },
      );
      this.changed();
    });
  }

  answer(value: PromptAnswer): void {
    const resolve = this.answerPrompt;
    this.prompt = undefined;
    this.answerPrompt = undefined;
    this.changed();
    resolve?.(value);
  }

  /** From now on the console only shows the run: an open question is withdrawn, never answered here. */
  watch(standing: WatchStanding): void {
    this.watching = standing;
    this.prompt = undefined;
    this.answerPrompt = undefined;
    this.changed();
  }

  close(): void {
    clearInterval(this.flushTimer);
    this.frames.close();
    this.log.close();
  }
}
