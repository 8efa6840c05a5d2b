import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutOutsideSecrets, LINE_CONTINUES, LineSplitter, summarizeOutput, tailOutput } from '../../src/exec/output-file.js';
import { tempDir } from '../helpers/cli.js';

function split(splitter: LineSplitter, chunks: string[]) {
  const pieces: [string, boolean][] = [];
  const emit = (line: string, continues: boolean) => pieces.push([line, continues]);
  for (const chunk of chunks) splitter.push(chunk, emit);
  splitter.flush(emit);
  return pieces;
}

describe('LineSplitter', () => {
  it('keeps lines whole up to the cap and splits a longer one into marked pieces, even unfinished', () => {
    expect(split(new LineSplitter(4), ['ab\r\ncd', 'e\n'])).toEqual([
      ['ab', false],
      ['cde', false],
    ]);
    expect(split(new LineSplitter(4), ['abcdefghij\nxy'])).toEqual([
      ['abcd', true],
      ['efgh', true],
      ['ij', false],
      ['xy', false],
    ]);
    // A line that never ends is cut as it arrives: what is kept stays under the cap.
    const pieces: string[] = [];
    const splitter = new LineSplitter(4);
    for (let i = 0; i < 10; i++) splitter.push('abc', (line) => pieces.push(line));
    expect(pieces.length).toBeGreaterThanOrEqual(6);
    expect(pieces.every((piece) => piece.length === 4)).toBe(true);
  });

  it('never cuts a surrogate pair or a secret in two', () => {
    expect(split(new LineSplitter(4), ['abc😀def\n'])).toEqual([
      ['abc', true],
      ['😀de', true],
      ['f', false],
    ]);
    const secret = 'hunter2';
    const pieces = split(new LineSplitter(8, cutOutsideSecrets([secret]), secret.length), ['xxxxxhunter2yyyyyyyyyy', 'zz']);
    expect(pieces.map(([line]) => line).join('')).toBe('xxxxxhunter2yyyyyyyyyyzz');
    expect(pieces.every(([line]) => !line.includes('hun') || line.includes(secret))).toBe(true);
  });
});

describe('tailOutput', () => {
  it('reads the last lines from the end of a large file, within its byte budget', () => {
    const file = join(tempDir(), 'big.out');
    const lines = Array.from({ length: 200_000 }, (_, i) => `O line ${i}`);
    writeFileSync(file, `${lines.join('\n')}\nE oops\n`);
    expect(tailOutput(file, 3, 4096)).toEqual([
      { stream: 'stdout', line: 'line 199998' },
      { stream: 'stdout', line: 'line 199999' },
      { stream: 'stderr', line: 'oops' },
    ]);
  });

  it('shows the end of a line that started before the budget, after "…"', () => {
    const file = join(tempDir(), 'long.out');
    writeFileSync(file, `O ${'a'.repeat(100_000)}b${LINE_CONTINUES}\nO end\n`);
    const tail = tailOutput(file, 15, 1000);
    expect(tail).toHaveLength(2);
    expect(tail[0]?.line.startsWith('…aaa')).toBe(true);
    expect(tail[0]?.line.endsWith(`b${LINE_CONTINUES}`)).toBe(true);
    expect(tail[1]).toEqual({ stream: 'stdout', line: 'end' });
  });
});

describe('summarizeOutput', () => {
  it('gives the size, hash and line count of an output longer than one read', async () => {
    const file = join(tempDir(), 'big.out');
    const text = Array.from({ length: 100_000 }, (_, i) => `O line ${i}\n`).join('');
    writeFileSync(file, text);
    expect(await summarizeOutput(file)).toEqual({ bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex'), lines: 100_000 });
  });

  it('gives an empty summary for an output that was never written', async () => {
    expect(await summarizeOutput(join(tempDir(), 'none.out'))).toEqual({ bytes: 0, sha256: createHash('sha256').digest('hex'), lines: 0 });
  });
});
