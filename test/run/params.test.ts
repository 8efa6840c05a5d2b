import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/exit-codes.js';
import { parseSetFlags } from '../../src/run/params.js';
import { loadRunbookText } from '../../src/runbook/load.js';

function runbook(params: string) {
  const loaded = loadRunbookText('r.yaml', `runbook: 1\ntitle: T\nparams:\n${params}\nsteps:\n  - { id: a, title: A, note: n }\n`);
  if (!loaded.runbook) throw new Error(JSON.stringify(loaded.problems));
  return loaded.runbook;
}

const usage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('--set', () => {
  const plain = runbook('  host: { default: kvm01 }');

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('--set %s=… is refused when the runbook has no such param', (name) => {
    expect(usage(() => parseSetFlags([`${name}=x`], plain, 'r.yaml'))).toBe(`--set ${name}: r.yaml has no param "${name}"; its params are host`);
  });

  it('a param named constructor is an ordinary name', () => {
    const values = parseSetFlags(['constructor=kvm02'], runbook('  constructor: { pattern: "kvm[0-9]+" }'), 'r.yaml');
    expect(values.constructor).toBe('kvm02');
    expect(Object.keys(values)).toEqual(['constructor']);
    expect(usage(() => parseSetFlags(['constructor=x'], runbook('  constructor: { pattern: "kvm[0-9]+" }'), 'r.yaml'))).toBe(
      '--set constructor: "x" does not match the param\'s pattern kvm[0-9]+',
    );
  });

  it('values never reach Object.prototype', () => {
    const values = parseSetFlags(['host=a'], plain, 'r.yaml');
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect({}.constructor).toBe(Object);
  });

  it('a hostile pattern against a 52-character value finishes', () => {
    const hostile = runbook('  p: { pattern: "(a+)+" }');
    const value = `${'a'.repeat(51)}!`;
    expect(usage(() => parseSetFlags([`p=${value}`], hostile, 'r.yaml'))).toBe(`--set p: "${value}" does not match the param's pattern (a+)+`);
    expect(parseSetFlags([`p=${'a'.repeat(52)}`], hostile, 'r.yaml').p).toBe('a'.repeat(52));
  });

  it('the pattern must match the whole value', () => {
    const ticket = runbook('  t: { pattern: "CHG[0-9]+|X" }');
    expect(parseSetFlags(['t=CHG1'], ticket, 'r.yaml').t).toBe('CHG1');
    expect(() => parseSetFlags(['t=CHG1x'], ticket, 'r.yaml')).toThrow(UsageError);
    expect(() => parseSetFlags(['t=xX'], ticket, 'r.yaml')).toThrow(UsageError);
  });
});
