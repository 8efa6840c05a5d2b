// Prompts for line mode: one answer per line from stdin. When stdin ends, the prompt that was
// waiting is named and the run stops with "input needed".
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { printable } from '../display/printable.js';
import { listText, promptText } from '../display/prompt-text.js';
import type { Prompt, PromptAnswer } from '../engine/types.js';
import { interpretLine, rulesFor } from '../engine/prompt-model.js';
import { NoInputError, QuitRequested, type Prompter } from '../run/drive-run.js';
import type { Style } from './style.js';

/** Echoes what the operator types, except while a secret is being typed. */
class MutableOutput extends Writable {
  muted = false;
  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}

export class LinePrompter implements Prompter {
  private readonly lines: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void; question: string } | undefined;
  private closed = false;
  private readonly echo: MutableOutput;
  private readonly rl: Interface;

  constructor(
    private readonly input: NodeJS.ReadableStream & { isTTY?: boolean },
    private readonly output: NodeJS.WritableStream,
    private readonly style: Style,
    onInterrupt: () => void,
    /** A line typed while nothing is being asked; true when it was a command (such as `a`) and is used up. */
    private readonly onIdleLine?: (line: string) => boolean,
  ) {
    this.echo = new MutableOutput(output);
    this.rl = createInterface({ input, output: this.echo, terminal: Boolean(input.isTTY) });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const { resolve } = this.waiting;
        this.waiting = undefined;
        resolve(line);
      } else if (!this.onIdleLine?.(line)) this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      if (this.waiting) {
        const { reject, question } = this.waiting;
        this.waiting = undefined;
        reject(new NoInputError(question));
      }
    });
    // With a terminal, readline takes Ctrl-C itself; pass it on as the interrupt it is.
    this.rl.on('SIGINT', onInterrupt);
  }

  close(): void {
    this.rl.close();
  }

  private readLine(question: string, signal: AbortSignal): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(new NoInputError(question));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, question };
      signal.addEventListener(
        'abort',
        () => {
          this.waiting = undefined;
          reject(signal.reason instanceof QuitRequested ? signal.reason : new Error('interrupted'));
        },
        { once: true },
      );
    });
  }

  private say(text: string): void {
    this.output.write(text);
  }

  private async line(question: string, signal: AbortSignal, secret = false): Promise<string> {
    this.echo.muted = secret && Boolean(this.input.isTTY);
    try {
      const answer = await this.readLine(question, signal);
      if (this.echo.muted) this.say('\n');
      else if (!this.input.isTTY) this.say(`${secret ? '********' : answer}\n`);
      return answer;
    } finally {
      this.echo.muted = false;
    }
  }

  async ask(prompt: Prompt, { signal }: { stepId: string; signal: AbortSignal }): Promise<PromptAnswer> {
    const s = this.style;
    // On a terminal, a line typed before the question was asked (a y pressed twice, Enter pressed
    // again while a migration ran) was meant for an earlier one: it is shown and dropped, never taken
    // as this answer. Piped input is a script of answers, one per question, and is read in order.
    if (this.input.isTTY) {
      for (const early of this.lines.splice(0)) this.say(`  ${s.dim(`(ignored ${JSON.stringify(printable(early))}: typed before the next question was asked)`)}\n`);
    }
    const rules = rulesFor(prompt);
    // What is drawn comes from the display model: the question printable, long lists summarised.
    const text = promptText(prompt);
    if (text.error) this.say(`  ${s.red('✗')} ${text.error}\n`);
    this.say(`${s.cyan('?')} ${s.bold(text.question)}`);
    if (prompt.kind === 'choice') {
      this.say('\n');
      prompt.options.forEach((option, index) => {
        const label = option.label === option.value ? printable(option.value) : `${printable(option.value)}  ${s.dim(printable(option.label))}`;
        this.say(`  ${index + 1}) ${label}\n`);
      });
    } else if (prompt.kind === 'select-vms') {
      // Every name stays typeable; the list on screen is summarised with a count.
      this.say(`: ${listText(prompt.selected)}\n`);
    }
    const secret = prompt.kind === 'input' && prompt.secret;
    for (;;) {
      const listed = prompt.kind === 'choice' || prompt.kind === 'select-vms';
      const hint = printable(rules.hint);
      if (listed) this.say(`  ${s.dim(hint)}: `);
      else this.say(hint ? ` ${s.dim(`(${hint})`)}: ` : ': ');
      const reply = interpretLine(prompt, await this.line(prompt.question, signal, secret));
      if (reply.kind === 'answer') return reply.value;
      if (reply.kind === 'quit') throw new QuitRequested();
      this.say(`  ${printable(reply.message)}\n`);
    }
  }
}
