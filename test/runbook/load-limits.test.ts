import { describe, expect, it } from 'vitest';
import { Lexer } from 'yaml';
import { RUNBOOK_MAX_ALIASES, RUNBOOK_MAX_BYTES, RUNBOOK_MAX_STEPS, RUNBOOK_MAX_YAML_TOKENS, YAML_COLLECTION_TOKEN_WEIGHT, YAML_TOKENS_PER_BYTE } from '../../src/limits.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { decode } from '../../src/runbook/read-runbook.js';

const problems = (text: string) => loadRunbookText('r.yaml', text).problems.map(({ line, col, field, message }) => ({ line, col, field, message }));
const step = (i: number) => `  - { id: s${i}, title: S, note: n }\n`;

describe('runbook limits', () => {
  it(`more than ${RUNBOOK_MAX_STEPS} steps is one clear problem at steps`, () => {
    const text = `runbook: 1\ntitle: T\nsteps:\n${Array.from({ length: RUNBOOK_MAX_STEPS + 1 }, (_, i) => step(i)).join('')}`;
    expect(problems(text)).toEqual([
      { line: 3, col: 1, field: 'steps', message: `runbook has ${RUNBOOK_MAX_STEPS + 1} steps, and at most ${RUNBOOK_MAX_STEPS} are allowed: split it into smaller runbooks` },
    ]);
    const fits = `runbook: 1\ntitle: T\nsteps:\n${Array.from({ length: RUNBOOK_MAX_STEPS }, (_, i) => step(i)).join('')}`;
    expect(problems(fits)).toEqual([]);
  });

  it('text over the byte cap (a run copy read for resume) is refused', () => {
    expect(problems(`# ${'x'.repeat(RUNBOOK_MAX_BYTES)}\n`)[0]?.message).toMatch(/^runbook is too big: \d+ bytes; a runbook may be at most 2 MB/);
  });

  it('too many YAML tokens is refused before the document is built', () => {
    const text = `runbook: 1\ntitle: T\nsteps: []\nx: [${'a,'.repeat(RUNBOOK_MAX_YAML_TOKENS / 2)}a]\n`;
    expect(problems(text)).toEqual([{ line: 1, col: 1, field: '', message: expect.stringMatching(/^runbook is too big to check: it has more than \d+ YAML tokens/) }]);
  });

  it('no text makes more weighted YAML tokens a byte than the bound that lets a small file skip the count', () => {
    const weighted = (text: string) => {
      let tokens = 0;
      for (const token of new Lexer().lex(text)) tokens += token === '[' || token === '{' ? YAML_COLLECTION_TOKEN_WEIGHT : 1;
      return tokens;
    };
    const dense = ['[', '{', '[[[[', '[a,', ',', '[,,,]', '{a: [b]}', '- ', '-\n', '? ', ': ', '---\n', '...\n', '&a ', '*a ', '!t ', '"', "'", '#\n', '\n', ' ', 'a\n', '%YAML 1.2\n---\n', '|\n', '>-\n'];
    for (const piece of dense) {
      for (const count of [1, 7, 500]) {
        const text = piece.repeat(count);
        expect(weighted(text), JSON.stringify(piece)).toBeLessThanOrEqual(Buffer.byteLength(text) * YAML_TOKENS_PER_BYTE);
      }
    }
    // The refusal above comes from a file far past the bound: the count still runs there.
    expect(RUNBOOK_MAX_YAML_TOKENS / YAML_TOKENS_PER_BYTE).toBeLessThan(RUNBOOK_MAX_BYTES);
  });

  it(`more than ${RUNBOOK_MAX_ALIASES} aliases is refused at the first one too many`, () => {
    const aliases = Array.from({ length: RUNBOOK_MAX_ALIASES + 1 }, (_, i) => `  - &a${i} x\n  - *a${i}\n`).join('');
    const found = problems(`runbook: 1\ntitle: T\nsteps: []\nx:\n${aliases}`);
    expect(found).toEqual([{ line: 5 + 2 * RUNBOOK_MAX_ALIASES + 1, col: 5, field: '', message: `YAML syntax: more than ${RUNBOOK_MAX_ALIASES} aliases (*name) in one runbook` }]);
  });

  it('nesting deep enough to exhaust the stack is a syntax problem, not a crash', () => {
    const found = problems(`runbook: 1\ntitle: T\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\nsteps: []\n`);
    expect(found.map((problem) => problem.message)).toEqual(['YAML syntax: lists or mappings nested too deeply']);
  });

  it('an alias before its anchor is still found, in one walk', () => {
    expect(problems('runbook: 1\ntitle: *t\nx: &t T\nsteps: []\n')).toEqual([{ line: 2, col: 8, field: '', message: 'YAML syntax: alias *t has no anchor &t above it' }]);
  });

  it('many keys in one mapping are checked for duplicates, and a duplicate is still found', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v\n`).join('');
    expect(problems(`runbook: 1\ntitle: T\nsteps: []\nx:\n${keys}  k7: again\n`)).toEqual([
      { line: 20_005, col: 3, field: '', message: 'duplicate key "k7": each key may appear once in a mapping' },
    ]);
  });
});

describe('UTF-8', () => {
  it('names the line, column and offset of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: "é'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    expect(decode(bytes)).toEqual({
      problem: 'runbook is not valid UTF-8: byte 0xc3 at offset 11 is not part of a UTF-8 character; save the file as UTF-8',
      at: { line: 2, col: 6 },
    });
  });

  it.each([
    ['overlong', [0xc0, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated at the end', [0xe2, 0x82]],
  ])('refuses %s sequences', (_name, sequence) => {
    expect(decode(Buffer.from([0x61, ...sequence]))).toMatchObject({ at: { line: 1, col: 2 } });
  });

  it('passes valid text through, four-byte characters included', () => {
    expect(decode(Buffer.from('title: 😀 Büro\n'))).toEqual({ text: 'title: 😀 Büro\n' });
  });
});
