// Line mode's answers: piped input is a script read in order; on a terminal, a line typed before a
// question was asked (a y pressed twice) is shown and dropped, never taken as its answer.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LinePrompter } from '../../src/plain/line-prompter.js';
import { makeStyle } from '../../src/plain/style.js';

function prompter(tty: boolean) {
  const input = Object.assign(new PassThrough(), tty ? { isTTY: true } : {});
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const lines = new LinePrompter(input, output, makeStyle(false), () => {});
  return { input, lines, shown: () => shown };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
const CONFIRM = { kind: 'confirm', question: 'Shut down web01?', destructive: true } as const;

describe('LinePrompter', () => {
  it('on a terminal, drops a line typed before the question and waits for one typed after it', async () => {
    const { input, lines, shown } = prompter(true);
    input.write('y\n');
    await tick();
    const answer = lines.ask(CONFIRM, { stepId: 'stop', signal: new AbortController().signal });
    await tick();
    expect(shown()).toContain('(ignored "y": typed before the next question was asked)');
    input.write('n\n');
    expect(await answer).toBe(false);
    lines.close();
  });

  it('from a pipe, answers each question with the next line, however early it came', async () => {
    const { input, lines, shown } = prompter(false);
    input.write('y\n');
    await tick();
    expect(await lines.ask(CONFIRM, { stepId: 'stop', signal: new AbortController().signal })).toBe(true);
    expect(shown()).not.toContain('ignored');
    lines.close();
  });
});
