// The `when:` language: literals, dotted names, comparisons, and/or/not, parentheses, `in` and
// `matches`. It is parsed into a tree and interpreted; nothing is ever handed to eval.
import { EXPRESSION_MAX_DEPTH } from '../limits.js';
import { matchesAnywhere, patternProblem } from './safe-regex.js';

export type Value = string | number | boolean | null | undefined | Value[];

export type Expr =
  | { type: 'literal'; value: Value }
  | { type: 'path'; path: string[]; offset: number }
  | { type: 'list'; items: Expr[] }
  | { type: 'not'; operand: Expr }
  | { type: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'compare'; op: CompareOp; left: Expr; right: Expr };

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'matches';

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based character offset into the expression. */
    readonly offset: number,
  ) {
    super(message);
  }
}

type Token =
  | { kind: 'string'; value: string; offset: number }
  | { kind: 'number'; value: number; offset: number }
  | { kind: 'name'; value: string; offset: number }
  | { kind: 'op'; value: string; offset: number }
  | { kind: 'end'; offset: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ',', '.'];
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_-]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const start = i;
      let value = '';
      i++;
      while (i < source.length && source[i] !== ch) {
        // \" \' and \\ escape; any other backslash stays, so "\d+" reaches `matches` as \d+.
        if (source[i] === '\\' && i + 1 < source.length && (source[i + 1] === ch || source[i + 1] === '\\')) i++;
        value += source[i++];
      }
      if (i >= source.length) throw new ExpressionError('unterminated string', start);
      i++;
      tokens.push({ kind: 'string', value, offset: start });
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), offset: i });
      i += number[0].length;
      continue;
    }
    if (NAME_START.test(ch)) {
      const start = i;
      while (i < source.length && NAME_PART.test(source.charAt(i))) i++;
      tokens.push({ kind: 'name', value: source.slice(start, i), offset: start });
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) {
      const hint = ch === '=' ? ' (use == to compare)' : '';
      throw new ExpressionError(`unexpected character "${ch}"${hint}`, i);
    }
    tokens.push({ kind: 'op', value: op, offset: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', offset: source.length });
  return tokens;
}

// A Map, not an object literal: a name such as `constructor` must not find Object.prototype's.
const KEYWORD_OPS = new Map([
  ['and', '&&'],
  ['or', '||'],
  ['not', '!'],
]);
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'matches']);

class Parser {
  private index = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  /** Parentheses, lists and `not` recurse; a bound keeps a hostile `((((…` from the stack's end. */
  private nested<T>(at: Token, parse: () => T): T {
    if (++this.depth > EXPRESSION_MAX_DEPTH) {
      throw new ExpressionError(`nested too deeply: at most ${EXPRESSION_MAX_DEPTH} levels of (), [] and not`, at.offset);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  parse(): Expr {
    const expr = this.or();
    const next = this.peek();
    if (next.kind !== 'end') throw new ExpressionError(`unexpected ${describe(next)}`, next.offset);
    return expr;
  }

  /** The next token; past the last one (tokenize always ends with one) it is the end token. */
  private peek(): Token {
    return this.tokens[this.index] ?? { kind: 'end', offset: this.tokens.at(-1)?.offset ?? 0 };
  }

  /** The next token, consumed. */
  private take(): Token {
    const token = this.peek();
    this.index++;
    return token;
  }

  /** The operator spelling of the next token, treating and/or/not/in/matches as operators. */
  private opOf(token: Token): string | undefined {
    if (token.kind === 'op') return token.value;
    if (token.kind === 'name') return KEYWORD_OPS.get(token.value) ?? (COMPARE_OPS.has(token.value) ? token.value : undefined);
    return undefined;
  }

  private or(): Expr {
    let left = this.and();
    while (this.opOf(this.peek()) === '||') {
      this.index++;
      left = { type: 'logical', op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.opOf(this.peek()) === '&&') {
      this.index++;
      left = { type: 'logical', op: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    const token = this.peek();
    if (this.opOf(token) === '!') {
      this.index++;
      return this.nested(token, () => ({ type: 'not', operand: this.not() }));
    }
    return this.compare();
  }

  private compare(): Expr {
    const left = this.primary();
    const op = this.opOf(this.peek());
    if (op && COMPARE_OPS.has(op)) {
      this.index++;
      return { type: 'compare', op: op as CompareOp, left, right: op === 'matches' ? this.pattern() : this.primary() };
    }
    return left;
  }

  private primary(): Expr {
    const token = this.take();
    switch (token.kind) {
      case 'string':
      case 'number':
        return { type: 'literal', value: token.value };
      case 'name':
        if (token.value === 'true' || token.value === 'false') return { type: 'literal', value: token.value === 'true' };
        if (token.value === 'null') return { type: 'literal', value: null };
        if (KEYWORD_OPS.has(token.value) || COMPARE_OPS.has(token.value)) {
          throw new ExpressionError(`expected a value before "${token.value}"`, token.offset);
        }
        return this.path(token);
      case 'op':
        if (token.value === '(') {
          return this.nested(token, () => {
            const inner = this.or();
            this.expect(')');
            return inner;
          });
        }
        if (token.value === '[') return this.nested(token, () => this.list());
        throw new ExpressionError(`expected a value, found "${token.value}"`, token.offset);
      case 'end':
        throw new ExpressionError('expression ends too soon', token.offset);
    }
  }

  /**
   * The right side of `matches` is a quoted pattern, checked here: were a name allowed, a command's
   * captured output could choose the pattern and so decide the condition.
   */
  private pattern(): Expr {
    const token = this.take();
    if (token.kind !== 'string') {
      const found = token.kind === 'end' ? 'the expression ends' : `found ${describe(token)}`;
      throw new ExpressionError(
        `matches needs a quoted pattern after it, such as matches "^ok", but ${found}: a name cannot be a pattern, so that command output can never choose what a condition matches`,
        token.offset,
      );
    }
    const problem = patternProblem(token.value);
    if (problem) throw new ExpressionError(problem, token.offset);
    return { type: 'literal', value: token.value };
  }

  private path(first: Token & { kind: 'name' }): Expr {
    const path = [first.value];
    while (this.peek().kind === 'op' && (this.peek() as { value: string }).value === '.') {
      this.index++;
      const part = this.take();
      if (part.kind !== 'name') throw new ExpressionError('expected a name after "."', part.offset);
      path.push(part.value);
    }
    return { type: 'path', path, offset: first.offset };
  }

  private list(): Expr {
    const items: Expr[] = [];
    if (this.opOf(this.peek()) !== ']') {
      do items.push(this.or());
      while (this.opOf(this.peek()) === ',' && ++this.index);
    }
    this.expect(']');
    return { type: 'list', items };
  }

  private expect(op: string): void {
    const token = this.take();
    if (this.opOf(token) !== op) throw new ExpressionError(`expected "${op}", found ${describe(token)}`, token.offset);
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of expression';
  if (token.kind === 'string') return `"${token.value}"`;
  return `"${token.value}"`;
}

export function parseExpression(source: string): Expr {
  return new Parser(tokenize(source)).parse();
}

/** Every dotted name the expression reads, for lint's undefined-variable and step checks. */
export function expressionPaths(expr: Expr): { path: string[]; offset: number }[] {
  switch (expr.type) {
    case 'literal':
      return [];
    case 'path':
      return [{ path: expr.path, offset: expr.offset }];
    case 'list':
      return expr.items.flatMap(expressionPaths);
    case 'not':
      return expressionPaths(expr.operand);
    case 'logical':
    case 'compare':
      return [...expressionPaths(expr.left), ...expressionPaths(expr.right)];
  }
}

export type Lookup = (path: string[]) => Value;

export function evaluate(expr: Expr, lookup: Lookup): Value {
  switch (expr.type) {
    case 'literal':
      return expr.value;
    case 'path': {
      // A lookup that reached Object.prototype (`constructor`) reads as undefined, not a function.
      const value: unknown = lookup(expr.path);
      return typeof value === 'function' || (typeof value === 'object' && value !== null && !Array.isArray(value)) ? undefined : (value as Value);
    }
    case 'list':
      return expr.items.map((item) => evaluate(item, lookup));
    case 'not':
      return !truthy(evaluate(expr.operand, lookup));
    case 'logical': {
      const left = truthy(evaluate(expr.left, lookup));
      if (expr.op === 'and') return left && truthy(evaluate(expr.right, lookup));
      return left || truthy(evaluate(expr.right, lookup));
    }
    case 'compare':
      return compare(expr.op, evaluate(expr.left, lookup), evaluate(expr.right, lookup));
  }
}

export function truthy(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function asNumber(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** Captured output is text, so "3" == 3 and "10" > 9 compare as numbers. */
function compare(op: CompareOp, left: Value, right: Value): boolean {
  if (op === 'in') return Array.isArray(right) ? right.some((item) => equal(left, item)) : String(right ?? '').includes(String(left ?? ''));
  if (op === 'matches') return matchesAnywhere(String(right ?? ''), String(left ?? ''));
  if (op === '==') return equal(left, right);
  if (op === '!=') return !equal(left, right);
  const l = asNumber(left);
  const r = asNumber(right);
  const [a, b] = l !== undefined && r !== undefined ? [l, r] : [String(left ?? ''), String(right ?? '')];
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

function equal(left: Value, right: Value): boolean {
  const l = asNumber(left);
  const r = asNumber(right);
  if (l !== undefined && r !== undefined) return l === r;
  if ((left === undefined || left === null) && (right === undefined || right === null)) return true;
  return String(left) === String(right) && typeof left !== 'undefined' && typeof right !== 'undefined';
}
