// A parsed YAML file that can say where any value or key sits, so every problem carries line:col.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, YAMLParseError, type Document, type Node, type YAMLError } from 'yaml';
import { RUNBOOK_MAX_ALIASES } from '../limits.js';

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

  private readonly errors: YAMLError[];

  constructor(readonly text: string) {
    // The parser's own duplicate-key check compares each key with every earlier one; ours is linear.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
    const duplicates = this.duplicateKeys();
    this.errors = duplicates.length === 0 ? this.doc.errors : [...this.doc.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
  }

  private duplicateKeys(): YAMLError[] {
    const errors: YAMLError[] = [];
    visit(this.doc, {
      Map: (_key, map) => {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          if (!isScalar(pair.key) || !pair.key.range) continue;
          if (seen.has(pair.key.value)) {
            const at = pair.key.range[0];
            errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else seen.add(pair.key.value);
        }
      },
    });
    return errors;
  }

  /**
   * One problem per line: after the first error on a line the parser is guessing, and its further
   * complaints about that line (a tab-indented key also "duplicates" the key it was meant to nest
   * under) would send the operator after problems that are not there.
   */
  syntaxProblems(): SyntaxProblem[] {
    const problems: SyntaxProblem[] = [];
    const linesWithErrors = new Set<number>();
    const errors = this.errors;
    const multilineKeys = new Set(errors.filter((error) => error.code === 'MULTILINE_IMPLICIT_KEY').map((error) => error.pos[0]));
    for (const error of errors) {
      // A key indented deeper than the key above it makes the parser read both lines as one
      // multi-line key; it reports that twice, at the first line. Point at the line to fix.
      if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && multilineKeys.has(error.pos[0])) continue;
      const { line } = this.positionOf(error.pos[0]);
      if (linesWithErrors.has(line)) continue;
      linesWithErrors.add(line);
      const problem = this.syntaxProblem(error);
      problems.push(problem);
      // After an unclosed [ or {, the parser reads the lines below as part of it: all guesses.
      if (problem.unclosed) break;
    }
    if (problems.length === 0) problems.push(...this.aliasProblems());
    return problems.map(({ line, col, message }) => ({ line, col, message }));
  }

  /**
   * The parser accepts *name before &name exists; turning it into data would throw. One walk in
   * document order answers for every alias (the parser's own lookup walks the document per alias),
   * and a cap bounds the parser's per-alias work when the data is built.
   */
  private aliasProblems(): SyntaxProblem[] {
    const problems: SyntaxProblem[] = [];
    const anchors = new Set<string>();
    let aliases = 0;
    visit(this.doc, {
      Node: (_key, node) => {
        if (!isAlias(node)) {
          if (node.anchor) anchors.add(node.anchor);
          return undefined;
        }
        if (++aliases > RUNBOOK_MAX_ALIASES) {
          problems.push({ ...this.positionOf(node.range?.[0] ?? 0), message: `YAML syntax: more than ${RUNBOOK_MAX_ALIASES} aliases (*name) in one runbook` });
          return visit.BREAK;
        }
        if (!anchors.has(node.source) && node.range) {
          problems.push({ ...this.positionOf(node.range[0]), message: `YAML syntax: alias *${node.source} has no anchor &${node.source} above it` });
        }
        return undefined;
      },
    });
    if (problems.length > 0) return problems;
    try {
      this.data();
    } catch (error) {
      // Such as an alias bomb, stopped by maxAliasCount.
      return [{ line: 1, col: 1, message: syntaxMessage((error as Error).message) }];
    }
    return [];
  }

  private syntaxProblem(error: YAMLError): SyntaxProblem & { unclosed?: boolean } {
    const offset = error.pos[0];
    switch (error.code) {
      case 'DUPLICATE_KEY': {
        const key = /^("[^"]*"|'[^']*'|[^:#\n]*?)\s*:/.exec(this.text.slice(offset))?.[1];
        const name = key ? ` "${key.replace(/^["']|["']$/g, '')}"` : '';
        return { ...this.positionOf(offset), message: `duplicate key${name}: each key may appear once in a mapping` };
      }
      case 'MULTILINE_IMPLICIT_KEY':
        return {
          ...this.lineStart(error.pos[1]),
          message: 'YAML syntax: bad indentation: this key is indented deeper than the key above it; line it up with the keys around it',
        };
      case 'BAD_INDENT': {
        const flow = /^Flow (sequence|map) in block collection/.exec(error.message)?.[1];
        const opening = flow === undefined ? undefined : this.flowCollectionEndingAt(offset);
        if (flow !== undefined && opening !== undefined) {
          const [open, close] = flow === 'map' ? ['{', '}'] : ['[', ']'];
          return { ...this.positionOf(opening), unclosed: true, message: `YAML syntax: this ${open} is never closed; end it with ${close}` };
        }
        if (error.message.startsWith('All mapping items')) {
          return { ...this.lineStart(offset), message: 'YAML syntax: bad indentation: this key does not line up with the other keys of its mapping' };
        }
        break;
      }
      case 'BLOCK_AS_IMPLICIT_KEY':
        return {
          ...this.positionOf(offset),
          message: 'YAML syntax: this value contains ": ", which YAML reads as a nested key; put the whole value in quotes',
        };
      case 'MULTIPLE_DOCS':
        return { ...this.positionOf(offset), message: 'YAML syntax: a runbook file holds one document, but a second one starts here with ---' };
      case 'TAB_AS_INDENT':
        return { ...this.positionOf(offset), message: 'YAML syntax: tabs are not allowed as indentation; indent with spaces' };
      case 'MISSING_CHAR': {
        // An unclosed quote swallows the rest of the file; the error sits at the end, the fix at the start.
        const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
        const opening = quote === undefined ? undefined : this.quotedScalarEndingAt(offset);
        if (quote !== undefined && opening !== undefined) {
          return { ...this.positionOf(opening), message: `YAML syntax: this ${quote} quote is never closed, so the value runs to the end of the file` };
        }
        if (error.message.startsWith('Sequence item without')) {
          return {
            ...this.lineStart(offset),
            message: 'YAML syntax: bad indentation: this line is inside a list item but does not line up with its keys (or start a new item with "- ")',
          };
        }
        break;
      }
    }
    return { ...this.positionOf(offset), message: syntaxMessage(error.message) };
  }

  /** The first non-blank character of the line holding `offset`: where an indentation fix starts. */
  private lineStart(offset: number): Position {
    const { line } = this.positionOf(offset);
    let at = this.lines.lineStarts[line - 1] ?? 0;
    while (at < this.text.length && this.text[at] !== '\n' && /\s/.test(this.text.charAt(at))) at++;
    return { line, col: at - (this.lines.lineStarts[line - 1] ?? 0) + 1 };
  }

  private flowCollectionEndingAt(offset: number): number | undefined {
    let start: number | undefined;
    const check = (node: { flow?: boolean; range?: [number, number, number] | null }) => {
      if (node.flow && node.range && node.range[0] < offset && node.range[1] >= offset) start = node.range[0];
    };
    visit(this.doc, { Seq: (_key, node) => check(node), Map: (_key, node) => check(node) });
    return start;
  }

  private quotedScalarEndingAt(offset: number): number | undefined {
    let start: number | undefined;
    visit(this.doc, {
      Scalar: (_key, node) => {
        const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
        if (quoted && node.range && node.range[0] < offset && node.range[1] >= offset) start = node.range[0];
      },
    });
    return start;
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
    return { line: start.line, col: start.col + (quoted ? quotedOffset(raw, offset) : offset) };
  }
}

/** Where the character at `offset` of a quoted scalar's value sits in its source, escapes and all. */
function quotedOffset(raw: string, offset: number): number {
  const double = raw.startsWith('"');
  let at = 1;
  for (let index = 0; index < offset && at < raw.length - 1; index++) {
    if (double && raw[at] === '\\') {
      const kind = raw[at + 1];
      at += kind === 'x' ? 4 : kind === 'u' ? 6 : kind === 'U' ? 10 : 2;
      if (kind === 'U') index++; // one escape, two UTF-16 units in the value
    } else if (!double && raw[at] === "'" && raw[at + 1] === "'") {
      at += 2;
    } else {
      at++;
    }
  }
  return at;
}

function syntaxMessage(message: string): string {
  // The parser recurses per level of [ and {, and reports running out of stack as its message.
  if (/maximum call stack size exceeded/i.test(message)) return 'YAML syntax: lists or mappings nested too deeply';
  const first = (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
