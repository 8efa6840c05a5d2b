// Text from outside patchwalk (runbook text, VM names, command output, provider messages) is drawn
// through here, so it can never move the cursor, clear the screen or fake a table row. The journal
// keeps the raw text; only what reaches the terminal is escaped.

/** Colour and style (SGR) from a command: dropped, not passed on, since it can hide text (ESC[8m). */
const SGR = /\u001B\[[0-9;:]*m/g;
/**
 * C0 and C1 controls, DEL, and the bidirectional overrides that can make a line read backwards.
 * Tab is expanded before this runs.
 */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const TAB_STOP = 8;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u001B': '\\e', '\u0000': '\\0' };

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

function expandTabs(text: string): string {
  let column = 0;
  let out = '';
  for (const char of text) {
    if (char === '\t') {
      const pad = TAB_STOP - (column % TAB_STOP);
      out += ' '.repeat(pad);
      column += pad;
    } else {
      out += char;
      column++;
    }
  }
  return out;
}

/**
 * One line of outside text, safe to draw: colour codes removed, tabs expanded, and every other
 * control character shown as a visible escape (a newline reads `\n`, ESC reads `\e`).
 */
export function printable(text: string): string {
  // Most text is plain: keep the common case to one test.
  if (!UNSAFE.test(text)) return text;
  let out = text.includes('\u001B[') ? text.replace(SGR, '') : text;
  if (out.includes('\t')) out = expandTabs(out);
  return out.replace(UNSAFE_ALL, escaped);
}

/** Several lines of outside text (a note, a multi-line command): split on newlines, each made safe. */
export function printableLines(text: string): string[] {
  return text.split(/\r?\n/).map(printable);
}
