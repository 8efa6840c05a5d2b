import { describe, expect, it } from 'vitest';
import { REGEX_MAX_CHARS, REGEX_MAX_PROGRAM } from '../../src/limits.js';
import { globMatches, matchesAnywhere, matchesWhole, patternProblem } from '../../src/runbook/safe-regex.js';

// No timings here: each case would hang JavaScript's RegExp for minutes or more, so finishing at
// all is the proof. bench/regex.js measures how the time grows.
describe('hostile patterns finish', () => {
  const answer = `${'a'.repeat(51)}!`;

  it('a param pattern (a+)+ against a 52-character answer', () => {
    expect(answer).toHaveLength(52);
    expect(matchesWhole('(a+)+', answer)).toBe(false);
    expect(matchesWhole('(a+)+', 'a'.repeat(52))).toBe(true);
  });

  it('^(a+)+$ on captured output, at sizes ten times apart', () => {
    for (const size of [1_000, 10_000, 100_000, 1_000_000]) {
      expect(matchesAnywhere('^(a+)+$', `${'a'.repeat(size)}!`)).toBe(false);
      expect(matchesAnywhere('^(a+)+$', 'a'.repeat(size))).toBe(true);
    }
  });

  it('other classic catastrophic shapes', () => {
    const text = `${'a'.repeat(100_000)}!`;
    for (const pattern of ['^(a|aa)+$', '^(a|a?)+$', '^(\\w+\\s?)+$', '^(.*a){20}$', '^(a+)*b']) {
      expect(matchesAnywhere(pattern, text)).toBe(false);
    }
  });
});

describe('patterns RE2 cannot run are refused, and say why', () => {
  it.each([
    ['(a)\\1', 'pattern uses a backreference (\\1), which is not supported'],
    ['(?<n>a)\\k<n>', 'pattern uses a backreference (\\k), which is not supported'],
    ['foo(?=bar)', 'pattern uses a lookahead ((?=…), which is not supported'],
    ['foo(?!bar)', 'pattern uses a lookahead ((?!…), which is not supported'],
    ['(?<=a)b', 'pattern uses a lookbehind ((?<=…), which is not supported'],
    ['(?<!a)b', 'pattern uses a lookbehind ((?<!…), which is not supported'],
  ])('%s', (pattern, message) => {
    const problem = patternProblem(pattern);
    expect(problem).toContain(message);
    expect(problem).toContain('runbook patterns run on RE2, a linear-time engine, so that no value can make a match hang');
  });

  it('a syntax error names its place', () => {
    expect(patternProblem('CHG(\\d+')).toBe('pattern is not a valid regular expression: missing closing ): `CHG(\\d+`');
    expect(patternProblem('\\u00e9')).toContain('write a code point as \\x{00e9}');
  });

  it('a pattern too long or too big to match quickly', () => {
    expect(patternProblem('a'.repeat(REGEX_MAX_CHARS + 1))).toBe(`pattern is too long: ${REGEX_MAX_CHARS + 1} characters, at most ${REGEX_MAX_CHARS} are allowed`);
    expect(patternProblem('(a|b)*a(a|b){999}z')).toMatch(new RegExp(`^pattern is too complex: it compiles to \\d+ instructions, at most ${REGEX_MAX_PROGRAM}`));
  });

  it('a refused pattern matches nothing', () => {
    expect(matchesWhole('(a)\\1', 'aa')).toBe(false);
    expect(matchesAnywhere('(a)\\1', 'aa')).toBe(false);
  });

  it('the patterns the shipped runbooks use are accepted', () => {
    for (const pattern of ['^[a-z0-9.-]+$', "^/vmfs/volumes/[^']+\\.zip$", '^[A-Za-z0-9._\\\\-]+$', 'CHG\\d+', '^[a-z_][a-z0-9_-]*$', '(?<ticket>CHG)[0-9]+']) {
      expect(patternProblem(pattern)).toBeUndefined();
    }
  });
});

describe('matching', () => {
  it('a whole-value pattern must match all of the value, whatever its alternatives', () => {
    expect(matchesWhole('a|ab', 'ab')).toBe(true);
    expect(matchesWhole('CHG\\d+', 'CHG123')).toBe(true);
    expect(matchesWhole('CHG\\d+', 'xCHG123')).toBe(false);
    expect(matchesWhole('CHG\\d+', 'CHG123\n')).toBe(false);
  });

  it('matches looks anywhere, and $ is the end of the text', () => {
    expect(matchesAnywhere('ok', 'all ok here')).toBe(true);
    expect(matchesAnywhere('ok$', 'ok\n')).toBe(false);
    expect(matchesAnywhere('(?m)ok$', 'ok\nnext')).toBe(true);
  });
});

describe('name globs', () => {
  it.each([
    ['web-*', 'web-01', true],
    ['web-*', 'db-01', false],
    ['*-0?', 'web-01', true],
    ['*', '', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['web.(1)', 'web.(1)', true],
    ['web.(1)', 'webx(1)', false],
  ])('%s against %s is %s', (glob, name, expected) => {
    expect(globMatches(glob, name)).toBe(expected);
  });

  it('many stars against a long name finish', () => {
    expect(globMatches(`${'*a'.repeat(200)}b`, 'a'.repeat(5000))).toBe(false);
  });
});
