// Build-time changes to Ink's frame drawing (node_modules/ink/build/output.js and
// render-node-to-output.js) and to the two libraries it measures and tokenises text with, applied
// as the console bundle is made. Ink builds every frame from scratch: each line of each text is
// tokenised into styled characters, every line inside a box with `overflow: hidden` (the console's
// root box) is cut with slice-ansi even when it fits, and every text's width is measured again. At
// 5,000 VMs a frame cost 15-40 ms, most of it there, and that is what held the event loop during a
// shutdown. These changes keep the output the same:
// - a line that fits its clip is used as it is instead of being sliced to its own width;
// - the per-frame caches are kept for one more frame, so lines that did not change (most of the
//   screen) are not tokenised again, and a row made of the same characters as last frame keeps its
//   text. Two frames' lines at most are held;
// - one blank cell is shared instead of a new object per empty place (1,920 at 80x24, each frame);
// - a line whose characters are all one column wide is placed without measuring each character;
// - a text's width comes from Ink's own measure cache, which layout has just filled for it, instead
//   of being measured again when the text is wrapped and again when it is drawn;
// - Ink's measure and wrap caches keep two generations of a few thousand texts instead of every
//   text ever drawn: output lines are new texts every frame, and a run printing for hours grew them
//   until the capped heap ran out;
// - text made only of one-column characters that are each a grapheme of their own (ASCII, Latin,
//   punctuation, arrows, box drawing, the step marks: the console's tables, lists and output) is measured by its length
//   and split by code unit, not by Intl.Segmenter. string-width already did so for ASCII; the
//   tables' borders are box drawing, so every table line took the segmenter's path, twice a frame.
// - a coloured text is sanitised (its escape codes other than styles taken out) once, not on every
//   frame: the result is kept in the same bounded cache as measures;
// - a row is turned back into text comparing each character's styles with the last one's only
//   when they differ: the diff made three Sets and five lists for every character of every changed
//   row, 30 MB a second of garbage while output scrolled, and the collections that came with it
//   were the longest pauses left. Characters in one style share one list of styles.
// Each replaced text must be found exactly: a release that changes them fails the build instead of
// losing the change quietly.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One-column characters that never join a neighbour into one grapheme (no marks, joiners, variation
 * selectors, Hangul or regional indicators), as a regex class body. Ambiguous-width ones among them
 * (box drawing, arrows, some Latin-1) count one column only where ambiguous means narrow, the
 * default. test/scripts/ink-output-patch.test.ts checks every one against string-width and
 * Intl.Segmenter.
 */
export const NARROW_CLASS = String.raw`\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2010-\u2027\u2030-\u205E\u2190-\u21FF\u2500-\u259F\u25A0-\u25FC\u2706-\u2709\u270C-\u2727\u2758-\u2794`;

/** A map of at most two generations of `limit` entries: a hit in the older one is kept. */
const GENERATION_CACHE = `class GenerationCache {
    constructor(limit) {
        this.limit = limit;
        this.current = new Map();
        this.older = new Map();
    }
    get(key) {
        const found = this.current.get(key);
        if (found !== undefined) return found;
        const old = this.older.get(key);
        if (old !== undefined) this.set(key, old);
        return old;
    }
    set(key, value) {
        if (this.current.size >= this.limit) {
            this.older = this.current;
            this.current = new Map();
        }
        this.current.set(key, value);
    }
}
/** patchwalk: a frame measures a few hundred texts at most; this keeps several frames' worth. */
const TEXT_CACHE_LIMIT = 4096;`;

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
            // Every character one column wide: placed without measuring each one, every frame.
            cached.narrow = cached.every((character) => NARROW_CHARACTER.test(character.value));
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
    what: 'the characters of a line placed',
    from: `                    const characters = this.caches.getStyledChars(line);
                    let offsetX = x;
                    for (const character of characters) {`,
    to: `                    const characters = this.caches.getStyledChars(line);
                    let offsetX = x;
                    if (characters.narrow) {
                        for (const character of characters) currentLine[offsetX++] = character;
                        offsetY++;
                        continue;
                    }
                    for (const character of characters) {`,
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
/** A character string-width counts one column, that no neighbour joins (see NARROW_CLASS). */
const NARROW_CHARACTER = /^[${NARROW_CLASS}]$/;
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

const MEASURE_TEXT = [
  {
    what: 'the measure cache',
    from: `const cache = new Map();`,
    to: `${GENERATION_CACHE}
const cache = new GenerationCache(TEXT_CACHE_LIMIT);`,
  },
];

const WRAP_TEXT = [
  {
    what: 'the wrap cache',
    from: `const cache = {};`,
    to: `${GENERATION_CACHE}
const cache = new GenerationCache(TEXT_CACHE_LIMIT);`,
  },
  {
    what: 'the wrap cache lookup',
    from: `const cachedText = cache[cacheKey];`,
    to: `const cachedText = cache.get(cacheKey);`,
  },
  {
    what: 'the wrap cache entry',
    from: `cache[cacheKey] = wrappedText;`,
    to: `cache.set(cacheKey, wrappedText);`,
  },
];

const STRING_WIDTH = [
  {
    what: 'its segmenter',
    from: `const segmenter = new Intl.Segmenter();`,
    to: `const segmenter = new Intl.Segmenter();
// patchwalk: one column a character, each its own grapheme, where ambiguous means narrow.
const NARROW_TEXT = /^[${NARROW_CLASS}]*$/;`,
  },
  {
    what: 'the ASCII fast path',
    from: String.raw`if (/^[\u0020-\u007E]*$/.test(string)) {`,
    to: String.raw`if ((ambiguousIsNarrow ? NARROW_TEXT : /^[\u0020-\u007E]*$/).test(string)) {`,
  },
];

const TOKENIZE = [
  {
    what: 'its segmenter',
    from: `const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });`,
    to: String.raw`const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
// patchwalk: C0 controls (CR aside, which joins LF) and one-column characters are each a grapheme
// of their own, so such a text is split by code unit. Escape sequences are made of these.
const SIMPLE_TEXT = /^[\u0000-\u000C\u000E-\u001F${NARROW_CLASS}]*$/;
function* codeUnits(str) {
    // One object for every unit: the loop takes its two fields out at once.
    const unit = { segment: '', index: 0 };
    for (let index = 0; index < str.length; index++) {
        unit.segment = str[index];
        unit.index = index;
        yield unit;
    }
}
function graphemes(str) {
    return SIMPLE_TEXT.test(str) ? codeUnits(str) : segmenter.segment(str);
}`,
  },
  {
    what: 'the grapheme loop',
    from: `for (const { segment, index } of segmenter.segment(str)) {`,
    to: `for (const { segment, index } of graphemes(str)) {`,
  },
];

const STYLED_CHARS = [
  {
    what: 'the styles of each character',
    from: `            ret.push({
                ...token,
                styles: [...codes],
            });`,
    // reduceAnsiCodesIncremental returns a new list for every change, so a run of characters in
    // one style can share one list instead of a copy each; and the token, made by tokenize for this
    // call alone, becomes the styled character instead of being copied into one.
    to: `            token.styles = codes;
            ret.push(token);`,
  },
  {
    what: 'the style change between two characters',
    from: `            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));`,
    to: `            const before = chars[i - 1].styles;
            if (before !== char.styles && (before.length > 0 || char.styles.length > 0)) ret += transition(before, char.styles);`,
  },
  {
    what: 'the reset at the end',
    from: `            ret += ansiCodesToString(diffAnsiCodes(char.styles, []));`,
    to: `            if (char.styles.length > 0) ret += transition(char.styles, NO_STYLES);`,
  },
  {
    // A row of a table changes style at every border: the diff (three Sets and five lists) ran for
    // each change of each changed row, every frame. The few styles a screen uses give a few
    // transitions, each worked out once.
    what: 'the transitions between styles',
    from: `export function styledCharsToString(chars) {`,
    to: `const NO_STYLES = [];
const styleKeys = new WeakMap();
/** The styles' codes as text: styles lists with the same codes share one. */
function styleKey(styles) {
    let key = styleKeys.get(styles);
    if (key === undefined) {
        key = styles.map((code) => \`\${code.code}\\u0001\${code.endCode}\`).join('\\u0002');
        styleKeys.set(styles, key);
    }
    return key;
}
const TRANSITION_LIMIT = 4096;
let transitions = new Map();
let transitionCount = 0;
/** The codes that go from one style to another, as ansiCodesToString(diffAnsiCodes(from, to)). */
function transition(from, to) {
    const fromKey = styleKey(from);
    const toKey = styleKey(to);
    let row = transitions.get(fromKey);
    let codes = row?.get(toKey);
    if (codes !== undefined) return codes;
    codes = ansiCodesToString(diffAnsiCodes(from, to));
    if (transitionCount >= TRANSITION_LIMIT) {
        transitions = new Map();
        transitionCount = 0;
        row = undefined;
    }
    if (!row) transitions.set(fromKey, (row = new Map()));
    row.set(toKey, codes);
    transitionCount++;
    return codes;
}
export function styledCharsToString(chars) {`,
  },
];

const SANITIZE_ANSI = [
  {
    what: 'the sanitiser',
    from: `const sanitizeAnsi = (text) => {
    if (!hasAnsiControlCharacters(text)) {
        return text;
    }`,
    // Every text node is squashed and sanitised on every frame, so each coloured text (the VM
    // grid, the step list, the footer) was tokenised again each time: most of a frame's garbage
    // while keys paged the VM table. The same text gives the same result.
    to: `${GENERATION_CACHE}
const sanitized = new GenerationCache(TEXT_CACHE_LIMIT);
const sanitizeAnsi = (text) => {
    if (!hasAnsiControlCharacters(text)) {
        return text;
    }
    const known = sanitized.get(text);
    if (known !== undefined) {
        return known;
    }
    const output = sanitizeUncached(text);
    sanitized.set(text, output);
    return output;
};
const sanitizeUncached = (text) => {`,
  },
];

/** By path under node_modules. Nested copies (wrap-ansi's own string-width) are left as they are. */
const PATCHES = {
  'ink/build/output.js': OUTPUT,
  'ink/build/render-node-to-output.js': RENDER_NODE,
  'ink/build/measure-text.js': MEASURE_TEXT,
  'ink/build/wrap-text.js': WRAP_TEXT,
  'ink/build/sanitize-ansi.js': SANITIZE_ANSI,
  'string-width/index.js': STRING_WIDTH,
  '@alcalzone/ansi-tokenize/build/tokenize.js': TOKENIZE,
  '@alcalzone/ansi-tokenize/build/styledChars.js': STYLED_CHARS,
};

/** The patched source; throws, naming the part, when the module's text is not what the patch expects. */
export function patchModule(path, source) {
  let patched = source;
  for (const { what, from, to } of PATCHES[path] ?? []) {
    const at = patched.indexOf(from);
    if (at === -1 || patched.indexOf(from, at + 1) !== -1) {
      throw new Error(`${path}: ${what} is not as scripts/ink-output-patch.js expects (a new release?); review the patch`);
    }
    patched = patched.replace(from, to);
  }
  return patched;
}

const NODE_MODULES = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules');

/** The rolldown plugin that applies them. */
export const inkOutputPatch = {
  name: 'patchwalk-ink-output',
  transform(code, id) {
    const path = relative(NODE_MODULES, id).replaceAll('\\', '/');
    if (!(path in PATCHES)) return null;
    return { code: patchModule(path, code), map: null };
  },
};
