// One line cut to a width the way Ink's `wrap="truncate-end"` cuts it, done before Ink sees it: a
// pane drawn as one text of lines that already fit is one node to measure and lay out, and Ink
// neither wraps nor truncates it again.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

/** Printable ASCII: one column a character, so the length is the width. */
const ASCII = /^[\u0020-\u007E]*$/;

/** `text` in at most `width` columns, ending in `…` where it was cut. */
export function fitLine(text: string, width: number): string {
  if (width <= 0) return '';
  if (ASCII.test(text)) return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
  if (stringWidth(text) <= width) return text;
  const cut = cliTruncate(text, width, { position: 'end' });
  // cli-truncate can keep a wide character that straddles the edge; the pane would clip it in half.
  return stringWidth(cut) <= width ? cut : cliTruncate(text, width - 1, { position: 'end' });
}
