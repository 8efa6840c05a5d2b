import { describe, expect, it } from 'vitest';
import { printable, printableLines } from '../../src/display/printable.js';

describe('printable', () => {
  it('leaves ordinary text, wide characters included, as it is', () => {
    expect(printable('web01 · running ✓ 日本')).toBe('web01 · running ✓ 日本');
  });

  it('shows a newline and a carriage return as escapes, so one name stays one row', () => {
    expect(printable('web\n01')).toBe('web\\n01');
    expect(printable('fake\r│ row')).toBe('fake\\r│ row');
  });

  it('shows cursor and screen controls escaped, never raw', () => {
    expect(printable('\u001B[2Jcleared')).toBe('\\e[2Jcleared');
    expect(printable('\u001B]0;title\u0007x')).toBe('\\e]0;title\\x07x');
    expect(printable('a\u009B2Jb')).toBe('a\\x9b2Jb');
    expect(printable('abc\u202Eevil')).toBe('abc\\u202eevil');
    expect(printable('del\u007F')).toBe('del\\x7f');
  });

  it('drops colour codes from outside text: they could hide it (ESC[8m) and patchwalk colours its own', () => {
    expect(printable('\u001B[32mok\u001B[0m \u001B[8msecret\u001B[m')).toBe('ok secret');
  });

  it('expands tabs to the next stop of 8', () => {
    expect(printable('ab\tc')).toBe('ab      c');
  });

  it('splits several lines and makes each safe', () => {
    expect(printableLines('one\n\u001B[2Jtwo')).toEqual(['one', '\\e[2Jtwo']);
  });
});
