// A parsed YAML file that can say where any value or key sits, so every problem carries line:col.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  col: number;
}

export interface SyntaxProblem extends Position {
  message: string;
}

export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  syntaxProblems(): SyntaxProblem[] {
    return this.doc.errors.map((error) => ({
      ...this.positionOf(error.pos[0]),
      message: syntaxMessage(error.code, error.message),
    }));
  }

  data(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  positionOf(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** The node at a path, or the nearest ancestor that exists. `key` asks for the key of a map entry. */
  nodeAt(path: readonly PathSegment[], key = false): Node | undefined {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return node;
        const last = i === path.length - 1;
        if ((last && key) || pair.value === null) return pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (!item) return node;
        node = item;
      } else {
        break;
      }
    }
    return (node as Node | null) ?? undefined;
  }

  positionAt(path: readonly PathSegment[], key = false): Position {
    const node = this.nodeAt(path, key);
    return node?.range ? this.positionOf(node.range[0]) : { line: 1, col: 1 };
  }

  /** Where a character inside a one-line scalar sits, for pointing into `when:` and templates. */
  positionInScalar(path: readonly PathSegment[], offset: number): Position {
    const node = this.nodeAt(path);
    const start = node?.range ? this.positionOf(node.range[0]) : { line: 1, col: 1 };
    if (!isScalar(node) || !node.range) return start;
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const raw = this.text.slice(node.range[0], node.range[1]);
    if (raw.includes('\n') || (!quoted && node.type !== 'PLAIN')) return start;
    return { line: start.line, col: start.col + offset + (quoted ? 1 : 0) };
  }
}

function syntaxMessage(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear once in a mapping';
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
