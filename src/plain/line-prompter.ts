// Prompts for line mode: one answer per line from stdin. When stdin ends, the prompt that was
// waiting is named and the run stops with "input needed".
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { printable } from '../display/printable.js';
import { listText, promptText } from '../display/prompt-text.js';
import type { Prompt, PromptAnswer } from '../engine/types.js';
import { NoInputError, type Prompter } from '../run/drive-run.js';
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
      signal.addEventListener('abort', () => reject(new Error('interrupted')), { once: true });
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
      return answer.trim();
    } finally {
      this.echo.muted = false;
    }
  }

  async ask(prompt: Prompt, { signal }: { stepId: string; signal: AbortSignal }): Promise<PromptAnswer> {
    const s = this.style;
    const text = promptText(prompt);
    const q = `${s.cyan('?')} ${s.bold(text.question)}`;
    const hint = text.hint ? ` ${s.dim(text.hint)}` : '';
    if (text.error) this.say(`  ${s.red('✗')} ${text.error}\n`);
    switch (prompt.kind) {
      case 'continue':
        this.say(`${q} `);
        await this.line(prompt.question, signal);
        return true;
      case 'confirm':
        for (;;) {
          this.say(`${q}${hint} `);
          const answer = (await this.line(prompt.question, signal)).toLowerCase();
          if (['y', 'yes'].includes(answer)) return true;
          if (['', 'n', 'no'].includes(answer)) return false;
          this.say(`  answer y or n\n`);
        }
      case 'type-to-confirm':
        this.say(`${q}${hint}: `);
        return this.line(prompt.question, signal);
      case 'input': {
        this.say(`${q}${hint}: `);
        const answer = await this.line(prompt.question, signal, prompt.secret);
        return answer === '' && prompt.default !== undefined ? prompt.default : answer;
      }
      case 'choice': {
        this.say(`${q}\n`);
        prompt.options.forEach((option, index) => {
          const label = option.label === option.value ? printable(option.value) : `${printable(option.value)}  ${s.dim(printable(option.label))}`;
          this.say(`  ${index + 1}) ${label}\n`);
        });
        for (;;) {
          this.say(`  choose 1-${prompt.options.length} or a name${hint}: `);
          const answer = await this.line(prompt.question, signal);
          if (answer === '' && prompt.default) return prompt.default;
          const byNumber = prompt.options[Number(answer) - 1];
          if (/^\d+$/.test(answer) && byNumber) return byNumber.value;
          const byName = prompt.options.find((option) => option.value.toLowerCase() === answer.toLowerCase());
          if (byName) return byName.value;
          this.say(`  "${printable(answer)}" is not one of the choices\n`);
        }
      }
      case 'select-vms': {
        // A long list is summarised: every name stays typeable, and `patchwalk vms` lists them all.
        this.say(`${q}${hint}: ${listText(prompt.selected)}\n`);
        for (;;) {
          this.say(`  ${s.dim('y = all of them, n = stop the run, or type the names to include')}: `);
          const answer = await this.line(prompt.question, signal);
          if (['y', 'yes'].includes(answer.toLowerCase())) return prompt.selected;
          if (['n', 'no', ''].includes(answer.toLowerCase())) return false;
          const names = answer.split(/[\s,]+/).filter(Boolean);
          const unknown = names.filter((name) => !prompt.options.includes(name));
          if (unknown.length === 0) return names;
          this.say(`  not offered here: ${listText(unknown)}\n`);
        }
      }
    }
  }
}
