// A real pseudo-terminal running the built CLI, read back through a headless xterm: what an
// operator would see, cell for cell.
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { CLI, ROOT } from './cli.js';

const { Terminal } = xterm;

/** What an operator's terminal has: colour, and none of the test runner's NO_COLOR. */
function terminalEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { TERM: 'xterm-256color', FORCE_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'NO_COLOR' && !(key in env)) env[key] = value;
  return { ...env, ...extra };
}

export class PtySession {
  readonly term: InstanceType<typeof Terminal>;
  readonly process: pty.IPty;
  exitCode: number | undefined;
  private readonly exited: Promise<number>;
  bytes = 0;
  /** The last bytes written to the terminal, escape sequences and all. */
  tail = '';

  constructor(args: string[], options: { cols?: number; rows?: number; env?: Record<string, string> } = {}) {
    const cols = options.cols ?? 80;
    const rows = options.rows ?? 24;
    this.term = new Terminal({ cols, rows, allowProposedApi: true });
    this.process = pty.spawn('node', [CLI, ...args], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: ROOT,
      env: terminalEnv(options.env),
    });
    this.process.onData((data) => {
      this.bytes += data.length;
      this.tail = (this.tail + data).slice(-65_536);
      this.term.write(data);
    });
    this.exited = new Promise((resolve) =>
      this.process.onExit(({ exitCode }) => {
        this.exitCode = exitCode;
        resolve(exitCode);
      }),
    );
  }

  /** The visible screen, one string per row, trailing spaces trimmed. */
  screen(): string[] {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < this.term.rows; row++) lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
    return lines;
  }

  text(): string {
    return this.screen().join('\n');
  }

  async waitFor(expected: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const found = () => (typeof expected === 'string' ? this.text().includes(expected) : expected.test(this.text()));
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Let xterm finish parsing what has arrived.
      await new Promise<void>((resolve) => this.term.write('', resolve));
      if (found()) return this.text();
      if (this.exitCode !== undefined) break;
    }
    throw new Error(`timed out waiting for ${String(expected)}; the screen shows:\n${this.text()}`);
  }

  /** Types keys one write at a time, as a person does. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.process.write(key);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }

  async type(text: string): Promise<void> {
    await this.press(...text.split(''));
  }

  resize(cols: number, rows: number): void {
    this.process.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  wait(): Promise<number> {
    return this.exited;
  }

  kill(): void {
    if (this.exitCode === undefined) this.process.kill();
  }
}

export const KEY = { enter: '\r', up: '\u001B[A', down: '\u001B[B', space: ' ', pageUp: '\u001B[5~', pageDown: '\u001B[6~', end: '\u001B[F', escape: '\u001B', ctrlC: '\u0003' };
