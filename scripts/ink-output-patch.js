// Build-time changes to Ink's frame drawing (node_modules/ink/build/output.js and
// render-node-to-output.js), applied as the console bundle is made. Ink builds every frame from
// scratch: each line of each text is tokenised into styled characters, every line inside a box
// with `overflow: hidden` (the console's root box) is cut with slice-ansi even when it fits, and
// every text's width is measured again. At 5,000 VMs a frame cost 15-40 ms, most of it there, and
// that is what held the event loop during a shutdown. These changes keep the output the same:
// - a line that fits its clip is used as it is instead of being sliced to its own width;
// - the per-frame caches are kept for one more frame, so lines that did not change (most of the
//   screen) are not tokenised again, and a row made of the same characters as last frame keeps its
//   text. Two frames' lines at most are held;
// - one blank cell is shared instead of a new object per empty place (1,920 at 80x24, each frame);
// - a text's width comes from Ink's own measure cache, which layout has just filled for it, instead
//   of being measured again when the text is wrapped and again when it is drawn.
// Each replaced text must be found exactly: an Ink release that changes them fails the build
// instead of losing the change quietly.

const OUTPUT = [
  {
    what: 'OutputCaches lookups',
    from: `class OutputCaches {
    widths = new Map();
    blockWidths = new Map();
    styledChars = new Map();
    getStyledChars(line) {
        let cached = this.styledChars.get(line);
        if (cached === undefined) {
            cached = styledCharsFromTokens(tokenize(line));
            this.styledChars.set(line, cached);
        }
        return cached;
    }
    getStringWidth(text) {
        let cached = this.widths.get(text);
        if (cached === undefined) {
            cached = stringWidth(text);
            this.widths.set(text, cached);
        }
        return cached;
    }
    getWidestLine(text) {
        let cached = this.blockWidths.get(text);
        if (cached === undefined) {`,
    to: `class OutputCaches {
    widths = new Map();
    blockWidths = new Map();
    styledChars = new Map();
    /** The previous frame's caches (patchwalk): what is still on screen is found there. */
    previous = undefined;
    static last = undefined;
    static next() {
        const caches = new OutputCaches();
        const previous = OutputCaches.last;
        if (previous) {
            previous.previous = undefined;
            caches.previous = previous;
        }
        OutputCaches.last = caches;
        return caches;
    }
    carried(map, key) {
        const found = this.previous?.[map].get(key);
        if (found !== undefined) this[map].set(key, found);
        return found;
    }
    getStyledChars(line) {
        let cached = this.styledChars.get(line) ?? this.carried('styledChars', line);
        if (cached === undefined) {
            cached = styledCharsFromTokens(tokenize(line));
            this.styledChars.set(line, cached);
        }
        return cached;
    }
    getStringWidth(text) {
        let cached = this.widths.get(text) ?? this.carried('widths', text);
        if (cached === undefined) {
            cached = stringWidth(text);
            this.widths.set(text, cached);
        }
        return cached;
    }
    getWidestLine(text) {
        let cached = this.blockWidths.get(text) ?? this.carried('blockWidths', text);
        if (cached === undefined) {`,
  },
  {
    what: 'its imports',
    from: `import stringWidth from 'string-width';`,
    to: `import measureText from './measure-text.js';`,
  },
  {
    what: 'the width of a line',
    from: `            cached = stringWidth(text);`,
    to: `            cached = measureText(text).width;`,
  },
  {
    what: 'the drawn rows',
    from: `    getWidestLine(text) {`,
    to: `    /** The text of row y: the previous frame's when the row holds the very same characters. */
    rows = [];
    rowText(y, chars) {
        const before = this.previous?.rows[y];
        if (before && before.chars.length === chars.length && before.chars.every((char, x) => char === chars[x])) {
            this.rows[y] = before;
            return before.text;
        }
        const text = styledCharsToString(chars).trimEnd();
        this.rows[y] = { chars, text };
        return text;
    }
    getWidestLine(text) {`,
  },
  {
    what: 'one OutputCaches per frame',
    from: `    caches = new OutputCaches();`,
    to: `    caches = OutputCaches.next();`,
  },
  {
    what: 'the horizontal clip',
    from: `                            const to = x + width > clip.x2 ? clip.x2 - x : width;
                            return sliceAnsi(line, from, to);`,
    to: `                            const to = x + width > clip.x2 ? clip.x2 - x : width;
                            if (from === 0 && to === width) return line;
                            return sliceAnsi(line, from, to);`,
  },
  {
    what: 'the blank cell',
    from: `            for (let x = 0; x < this.width; x++) {
                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }`,
    to: `            for (let x = 0; x < this.width; x++) {
                row.push(BLANK_CELL);
            }`,
  },
  {
    what: 'the rows joined',
    from: `            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })`,
    to: `            .map((line, y) => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return this.caches.rowText(y, lineWithoutEmptyItems);
        })`,
  },
  {
    what: 'the class',
    from: `export default class Output {`,
    to: `/** One blank cell for every empty place: cells are replaced, never changed, so it can be shared. */
const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] };
export default class Output {`,
  },
];

const RENDER_NODE = [
  {
    what: 'its imports',
    from: `import widestLine from 'widest-line';`,
    to: `import measureText from './measure-text.js';`,
  },
  {
    what: 'the width of a text to wrap',
    from: `const currentWidth = widestLine(text);`,
    to: `const currentWidth = measureText(text).width;`,
  },
];

const PATCHES = { 'output.js': OUTPUT, 'render-node-to-output.js': RENDER_NODE };

/** The patched source; throws, naming the part, when Ink's text is not what the patch expects. */
export function patchInk(file, source) {
  let patched = source;
  for (const { what, from, to } of PATCHES[file] ?? []) {
    const at = patched.indexOf(from);
    if (at === -1 || patched.indexOf(from, at + 1) !== -1) {
      throw new Error(`ink/build/${file}: ${what} is not as scripts/ink-output-patch.js expects (a new Ink release?); review the patch`);
    }
    patched = patched.replace(from, to);
  }
  return patched;
}

/** The rolldown plugin that applies them. */
export const inkOutputPatch = {
  name: 'patchwalk-ink-output',
  transform(code, id) {
    const match = /\/node_modules\/ink\/build\/([\w-]+\.js)$/.exec(id.replaceAll('\\', '/'));
    if (!match || !(match[1] in PATCHES)) return null;
    return { code: patchInk(match[1], code), map: null };
  },
};
