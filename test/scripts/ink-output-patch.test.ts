// The build-time changes to Ink's frame drawing must draw exactly what Ink draws, frame after frame
// (the caches it keeps across frames must never show a stale line), measure and split text exactly
// as string-width and ansi-tokenize do, keep Ink's caches bounded, and fail the build, not pass
// quietly, when a release changes the text they replace.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript
import { NARROW_CLASS, patchModule } from '../../scripts/ink-output-patch.js';
import { ROOT } from '../helpers/cli.js';

const NODE_MODULES = join(ROOT, 'node_modules');
const INK = join(NODE_MODULES, 'ink', 'build');

/**
 * A module and its patched copy. The copy is written beside the original for the time of the import,
 * so its own imports resolve the same way; `extra` is appended to it (a test's window into it).
 */
async function original_and_patched<T>(path: string, extra = ''): Promise<{ original: T; patched: T }> {
  const source = join(NODE_MODULES, path);
  const file = source.replace(/\.js$/, `.patchwalk-test-${process.pid}.js`);
  writeFileSync(file, `${patchModule(path, readFileSync(source, 'utf8'))}\n${extra}`);
  try {
    return { original: (await import(pathToFileURL(source).href)) as T, patched: (await import(pathToFileURL(file).href)) as T };
  } finally {
    rmSync(file, { force: true });
  }
}

interface OutputLike {
  write(x: number, y: number, text: string, options: { transformers: unknown[] }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = new (options: { width: number; height: number }) => OutputLike;

async function outputClasses(): Promise<{ original: OutputClass; patched: OutputClass }> {
  const { original, patched } = await original_and_patched<{ default: OutputClass }>('ink/build/output.js');
  return { original: original.default, patched: patched.default };
}

const BOLD = (text: string) => `\u001B[1m${text}\u001B[22m`;
const BLUE = (text: string) => `\u001B[34m${text}\u001B[39m`;

/** Frame n: a clipped root, a table whose rows page and whose states change, wide characters. */
function draw(output: OutputLike, frame: number): void {
  output.clip({ x1: 0, x2: 40, y1: 0, y2: 12 });
  output.write(0, 0, BOLD(`patchwalk · step 2 of 3 · ${frame % 3 === 0 ? 'running' : 'waiting'}`), { transformers: [] });
  for (let row = 0; row < 8; row++) {
    const vm = Math.floor(frame / 2) * 8 + row;
    const state = (vm + frame) % 4 === 0 ? BLUE('shut-off') : 'running ';
    output.write(0, 2 + row, `${BOLD('│')} vm${String(vm).padStart(4, '0')} ${BOLD('│')} ${state} ${BOLD('│')}`, { transformers: [] });
  }
  // Wider than the clip: cut; and a line that starts left of it.
  output.write(30, 10, `output line ${frame} that runs past the right edge`, { transformers: [] });
  output.write(-3, 11, `漢字 wide ${frame % 2 ? 'odd' : 'even'}`, { transformers: [] });
  output.unclip();
}

describe('Ink output patch', () => {
  it('draws every frame exactly as Ink does, through paging, state changes and clipping', async () => {
    const { original, patched } = await outputClasses();
    for (let frame = 0; frame < 12; frame++) {
      const ours = new patched({ width: 40, height: 12 });
      const theirs = new original({ width: 40, height: 12 });
      draw(ours, frame);
      draw(theirs, frame);
      expect(ours.get(), `frame ${frame}`).toEqual(theirs.get());
    }
  });

  it('fails, naming the part, when Ink changes the text it replaces', () => {
    const source = readFileSync(join(INK, 'output.js'), 'utf8');
    expect(() => patchModule('ink/build/output.js', source.replace('caches = new OutputCaches();', 'caches = makeCaches();'))).toThrow(
      /ink\/build\/output.js: one OutputCaches per frame.*review the patch/,
    );
    const renderNode = readFileSync(join(INK, 'render-node-to-output.js'), 'utf8');
    expect(patchModule('ink/build/render-node-to-output.js', renderNode)).toContain('measureText(text).width');
    const width = readFileSync(join(NODE_MODULES, 'string-width', 'index.js'), 'utf8');
    expect(() => patchModule('string-width/index.js', width.replace('Fast path', 'Quick path').replace('if (/^', 'if (!/^'))).toThrow(
      /string-width\/index.js: the ASCII fast path/,
    );
  });
});

/** Every character of the narrow class, from its ranges. */
function narrowCharacters(): string[] {
  const characters: string[] = [];
  for (const [, from, to] of NARROW_CLASS.matchAll(/\\u([0-9A-F]{4})-\\u([0-9A-F]{4})/g)) {
    for (let code = Number.parseInt(from, 16); code <= Number.parseInt(to, 16); code++) characters.push(String.fromCharCode(code));
  }
  return characters;
}

/** A deterministic mix of narrow text, styles, a link, wide characters, emoji and marks. */
function mixedTexts(count: number): string[] {
  const narrow = narrowCharacters();
  const pieces = [
    ...narrow.filter((_, index) => index % 7 === 0),
    '\u001B[1m', '\u001B[22m', '\u001B[34m', '\u001B[39m', '\u001B[38;2;10;20;30m',
    '\u001B]8;;https://example.org\u0007', '\u001B]8;;\u0007',
    '漢', '字', '👍', '❤️', 'e\u0301', '\u200D', '\uFE0F', '\u00AD', '\r\n', '\t', 'ｱ', '\u1100\u1161',
  ];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  return Array.from({ length: count }, () => Array.from({ length: next() % 30 }, () => pieces[next() % pieces.length]).join(''));
}

describe('narrow text without the segmenter', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

  it('holds only one-column characters that are each a grapheme of their own', async () => {
    const { original } = await original_and_patched<{ default: (text: string) => number }>('string-width/index.js');
    for (const character of narrowCharacters()) {
      const code = character.charCodeAt(0).toString(16);
      expect(original.default(character), `U+${code} width`).toBe(1);
      expect([...segmenter.segment(`a${character}a`)].length, `U+${code} joins a neighbour`).toBe(3);
      expect([...segmenter.segment(`${character}${character}`)].length, `U+${code} joins itself`).toBe(2);
    }
  });

  it('measures every text as string-width does, ambiguous narrow or wide', async () => {
    type Width = { default: (text: string, options?: { ambiguousIsNarrow?: boolean }) => number };
    const { original, patched } = await original_and_patched<Width>('string-width/index.js');
    const texts = [...mixedTexts(3000), '┌──┬──┐', '│ vm0001 │ running │', '── output · 12 lines · following', 'naïve café ±5 °C → done…'];
    for (const text of texts) {
      expect(patched.default(text), JSON.stringify(text)).toBe(original.default(text));
      expect(patched.default(text, { ambiguousIsNarrow: false }), JSON.stringify(text)).toBe(original.default(text, { ambiguousIsNarrow: false }));
    }
  });

  it('splits every text into the same tokens as ansi-tokenize', async () => {
    type Tokenize = { tokenize: (text: string, end?: number) => unknown[] };
    const { original, patched } = await original_and_patched<Tokenize>('@alcalzone/ansi-tokenize/build/tokenize.js');
    for (const text of [...mixedTexts(3000), '\u001B[1m│\u001B[22m vm0001 \u001B[1m│\u001B[22m']) {
      expect(patched.tokenize(text), JSON.stringify(text)).toEqual(original.tokenize(text));
      expect(patched.tokenize(text, 5), JSON.stringify(text)).toEqual(original.tokenize(text, 5));
    }
  });
});

describe('rows back to text', () => {
  it('gives the same text as ansi-tokenize for every row, whatever styles its characters carry', async () => {
    type Chars = { styles: unknown[] }[];
    type StyledChars = { styledCharsFromTokens: (tokens: unknown[]) => Chars; styledCharsToString: (chars: Chars) => string };
    const { original, patched } = await original_and_patched<StyledChars>('@alcalzone/ansi-tokenize/build/styledChars.js');
    const { tokenize } = (await import('@alcalzone/ansi-tokenize')) as unknown as { tokenize: (text: string) => unknown[] };
    const texts = [
      ...mixedTexts(2000),
      '\u001B[1m│\u001B[22m\u001B[1m\u001B[34m name \u001B[39m\u001B[22m\u001B[1m│\u001B[22m vm0001 ',
      '\u001B[2m── output\u001B[22m',
      '\u001B[7m\u001B[31minverse red\u001B[39m\u001B[27m plain \u001B[1mbold\u001B[2mdim\u001B[22m',
    ];
    for (const [index, text] of texts.entries()) {
      const theirs = original.styledCharsFromTokens(tokenize(text));
      const ours = patched.styledCharsFromTokens(tokenize(text));
      expect(patched.styledCharsToString(ours), JSON.stringify(text)).toBe(original.styledCharsToString(theirs));
      // A row is made of several texts' characters side by side.
      const next = texts[(index + 1) % texts.length]!;
      const row = [...ours, ...patched.styledCharsFromTokens(tokenize(next))];
      const theirRow = [...theirs, ...original.styledCharsFromTokens(tokenize(next))];
      expect(patched.styledCharsToString(row), JSON.stringify(text + next)).toBe(original.styledCharsToString(theirRow));
    }
  });
});

describe("Ink's text caches", () => {
  it('keep two generations of texts, not every text ever measured or wrapped', async () => {
    type Cache = { current: Map<string, unknown>; older: Map<string, unknown>; limit: number };
    type Measure = { default: (text: string) => { width: number; height: number }; cache: Cache };
    const { patched: measure } = await original_and_patched<Measure>('ink/build/measure-text.js', 'export { cache };');
    type Wrap = { default: (text: string, width: number, wrap: string) => string; cache: Cache };
    const { patched: wrap } = await original_and_patched<Wrap>('ink/build/wrap-text.js', 'export { cache };');
    for (let line = 0; line < 20_000; line++) {
      const text = `Unpacking linux-modules-extra-${line} (6.1.158-1) over (6.1.153-1) ...`;
      expect(measure.default(text)).toEqual({ width: text.length, height: 1 });
      expect(wrap.default(text, 20, 'truncate-end')).toBe(`${text.slice(0, 19)}…`);
    }
    for (const { cache } of [measure, wrap]) expect(cache.current.size + cache.older.size).toBeLessThanOrEqual(cache.limit * 2);
    // A text still being drawn stays found: a hit in the older generation moves it forward.
    measure.default('kept');
    for (let line = 0; line < measure.cache.limit - 1; line++) measure.default(`filler ${line}`);
    measure.default('kept');
    expect(measure.cache.current.has('kept')).toBe(true);
  });

  it('sanitise a coloured text once, to what Ink itself gives, and keep two generations of them', async () => {
    type Cache = { current: Map<string, unknown>; older: Map<string, unknown>; limit: number };
    type Sanitize = { default: (text: string) => string; sanitized: Cache };
    const { original, patched } = await original_and_patched<Sanitize>('ink/build/sanitize-ansi.js', 'export { sanitized };');
    // Styles and links stay; cursor moves, screen clears and private modes go.
    const texts = [
      'plain text, no escapes',
      `${BOLD('│')} vm0001 ${BOLD('│')} ${BLUE('shut-off')} ${BOLD('│')}`,
      'progress[2K[1Gdone [?25l hidden cursor',
      ']8;;https://example.coma link]8;; then [38;2;1;2;3mtrue colour[0m',
      'a bare escape  and a C1 CSI 31mred0m',
    ];
    for (let round = 0; round < 3; round++) {
      for (const text of texts) expect(patched.default(text), JSON.stringify(text)).toBe(original.default(text));
    }
    for (let line = 0; line < 20_000; line++) patched.default(BLUE(`line ${line}`));
    expect(patched.sanitized.current.size + patched.sanitized.older.size).toBeLessThanOrEqual(patched.sanitized.limit * 2);
  });
});
