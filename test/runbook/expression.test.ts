import { describe, expect, it } from 'vitest';
import { evaluate, ExpressionError, expressionPaths, parseExpression, truthy, type Value } from '../../src/runbook/expression.js';

const values: Record<string, Value> = { count: '12', host: 'kvm01', empty: '', reboot: 'required', 'steps.pending.status': 'done' };
const run = (source: string) => truthy(evaluate(parseExpression(source), (path) => values[path.join('.')]));

describe('when expressions', () => {
  it.each([
    ['count > 9', true],
    ['count == 12', true],
    ['count < "2"', false],
    ['host == "kvm01" and not empty', true],
    ["host != 'kvm01' or reboot == \"required\"", true],
    ['!(count >= 12)', false],
    ['host in ["kvm01", "kvm02"]', true],
    ['"vm" in host', true],
    ['host matches "^kvm[0-9]+$"', true],
    ['steps.pending.status == "done" && count', true],
    ['missing == null', true],
    ['missing', false],
    ['true and false', false],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('lists the names it reads, for lint', () => {
    expect(expressionPaths(parseExpression('a.b == 1 and not c in [d]')).map((ref) => ref.path.join('.'))).toEqual(['a.b', 'c', 'd']);
  });

  it.each([
    ['count > ', 'expression ends too soon', 8],
    ['host = "x"', 'unexpected character "=" (use == to compare)', 5],
    ['(count > 1', 'expected ")", found end of expression', 10],
    ['host == "kvm', 'unterminated string', 8],
    ['count > 1 2', 'unexpected "2"', 10],
    ['and host', 'expected a value before "and"', 0],
  ])('rejects %j with a message and its position', (source, message, offset) => {
    try {
      parseExpression(source);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      expect([(error as ExpressionError).message, (error as ExpressionError).offset]).toEqual([message, offset]);
    }
  });

  it('never evaluates code: a would-be call is just a parse error', () => {
    expect(() => parseExpression('process.exit(1)')).toThrow(ExpressionError);
  });
});

describe('matches', () => {
  it('on hostile captured output finishes: the pattern runs on a linear-time engine', () => {
    const captured: Record<string, Value> = { c: `${'a'.repeat(100_000)}!` };
    expect(truthy(evaluate(parseExpression('c matches "^(a+)+$"'), (path) => captured[path.join('.')]))).toBe(false);
    captured.c = 'a'.repeat(100_000);
    expect(truthy(evaluate(parseExpression('c matches "^(a+)+$"'), (path) => captured[path.join('.')]))).toBe(true);
  });

  it.each([
    ['host matches pattern', 13],
    ['host matches steps.x.status', 13],
    ['host matches 5', 13],
    ['host matches', 12],
  ])('refuses %j: only a quoted pattern, so command output cannot choose it', (source, offset) => {
    try {
      parseExpression(source);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      expect((error as ExpressionError).message).toMatch(/^matches needs a quoted pattern after it, such as matches "\^ok", but .*: a name cannot be a pattern/);
      expect((error as ExpressionError).offset).toBe(offset);
    }
  });

  it('refuses a pattern RE2 cannot run, at the pattern', () => {
    try {
      parseExpression('c matches "(a)\\\\1"');
      expect.unreachable();
    } catch (error) {
      expect((error as ExpressionError).message).toMatch(/^pattern uses a backreference \(\\1\), which is not supported/);
      expect((error as ExpressionError).offset).toBe(10);
    }
  });
});

describe('hostile expressions', () => {
  it('deep nesting is a parse error, not a stack overflow', () => {
    for (const source of [`${'('.repeat(20_000)}x${')'.repeat(20_000)}`, `${'not '.repeat(20_000)}x`, `x in ${'['.repeat(20_000)}`]) {
      expect(() => parseExpression(source)).toThrow(/nested too deeply: at most 64 levels/);
    }
  });

  it('names that are Object.prototype properties are plain names', () => {
    const lookup = (path: string[]) => (path[0] === 'constructor' ? 'x' : undefined);
    expect(truthy(evaluate(parseExpression('constructor == "x"'), lookup))).toBe(true);
    expect(truthy(evaluate(parseExpression('toString == null'), lookup))).toBe(true);
    expect(expressionPaths(parseExpression('__proto__ or hasOwnProperty')).map((ref) => ref.path[0])).toEqual(['__proto__', 'hasOwnProperty']);
  });
});

describe('lookups that reach Object.prototype', () => {
  it('read as undefined', () => {
    const plain = (path: string[]) => ({ host: 'kvm01' } as Record<string, unknown>)[path[0] ?? ''] as Value;
    expect(evaluate(parseExpression('constructor'), plain)).toBeUndefined();
    expect(truthy(evaluate(parseExpression('__proto__ == null and toString == null'), plain))).toBe(true);
    expect(evaluate(parseExpression('host'), plain)).toBe('kvm01');
  });
});

describe('strings', () => {
  it('keep a backslash that escapes nothing, so regex escapes reach matches as written', () => {
    const text: Record<string, Value> = { v: '6.1.0-13' };
    const run2 = (source: string) => truthy(evaluate(parseExpression(source), (path) => text[path.join('.')]));
    expect(run2('v matches "^\\d+\\.\\d+"')).toBe(true);
    expect(run2('v matches "^\\\\d+\\\\.\\\\d+"')).toBe(true);
    expect(run2('v matches "^\\d+x"')).toBe(false);
    expect(evaluate(parseExpression('"a\\"b" == "a\\"b"'), () => undefined)).toBe(true);
    expect(evaluate(parseExpression(`'it\\'s'`), () => undefined)).toBe("it's");
  });
});
