import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { OUTPUT_RING_LINES, OUTPUT_VIEW_LINE_CHARS } from '../../src/limits.js';
import { OutputLog } from '../../src/run/output-log.js';
import { tempDir } from '../helpers/cli.js';

it('keeps every line: the tail from memory, older lines read back from the file', () => {
  const log = new OutputLog(join(tempDir(), 'output.log'));
  const total = OUTPUT_RING_LINES * 3 + 17;
  for (let index = 0; index < total; index++) log.append(index % 10 === 0 ? 'stderr' : 'stdout', `line ${index} ünïcödé`);
  expect(log.length).toBe(total);
  expect(log.lines(0, 2)).toEqual([
    { kind: 'stderr', text: 'line 0 ünïcödé' },
    { kind: 'stdout', text: 'line 1 ünïcödé' },
  ]);
  expect(log.lines(total - 1, 5)).toEqual([{ kind: 'stdout', text: `line ${total - 1} ünïcödé` }]);
  const across = log.lines(total - OUTPUT_RING_LINES - 2, 4).map((line) => line.text);
  expect(across).toEqual([0, 1, 2, 3].map((offset) => `line ${total - OUTPUT_RING_LINES - 2 + offset} ünïcödé`));
  log.close();
  expect(readFileSync(log.path, 'utf8').split('\n')).toHaveLength(total + 1);
});

it('searches backwards and forwards through the whole output', () => {
  const log = new OutputLog(join(tempDir(), 'output.log'));
  for (let index = 0; index < 20_000; index++) log.append('stdout', index === 123 || index === 15_000 ? `E: Unable to locate package ${index}` : `ok ${index}`);
  expect(log.searchBackward('unable to LOCATE', log.length)).toBe(15_000);
  expect(log.searchBackward('unable to locate', 15_000)).toBe(123);
  expect(log.searchBackward('unable to locate', 123)).toBe(-1);
  expect(log.searchForward('unable to locate', 123)).toBe(15_000);
  log.close();
});

it('keeps only the start of a very long line: the console never measures or holds 64 KiB lines', () => {
  const log = new OutputLog(join(tempDir(), 'console.log'));
  log.append('stdout', 'x'.repeat(64 * 1024));
  expect(log.lines(0, 1)[0]?.text).toBe(`${'x'.repeat(OUTPUT_VIEW_LINE_CHARS)}…`);
  log.close();
});
