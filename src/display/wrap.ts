// Word wrap that both the layout and the views use, so the rows a text is given are the rows it
// takes: questions and warnings wrap in full instead of being cut.
import stringWidth from 'string-width';

/** Lines of at most `width` columns, broken at spaces; a word longer than a line is split. */
export function wrapText(text: string, width: number): string[] {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line ? `${line} ${word}` : word;
      if (stringWidth(candidate) <= limit) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (stringWidth(line) > limit) {
        let cut = 0;
        let used = 0;
        for (const char of line) {
          const w = stringWidth(char);
          if (used + w > limit) break;
          used += w;
          cut += char.length;
        }
        lines.push(line.slice(0, Math.max(1, cut)));
        line = line.slice(Math.max(1, cut));
      }
    }
    lines.push(line);
  }
  return lines;
}

export function wrappedRows(text: string, width: number): number {
  return wrapText(text, width).length;
}
