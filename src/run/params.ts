// --set k=v values, checked against the runbook's params before anything runs.
import type { Runbook } from '../runbook/schema.js';
import { matchesWhole } from '../runbook/safe-regex.js';
import { UsageError } from '../exit-codes.js';

export function parseSetFlags(pairs: readonly string[], runbook: Runbook, file: string): Record<string, string> {
  const params = runbook.params ?? {};
  const names = Object.keys(params);
  // Null prototype: `--set constructor=…` or `--set __proto__=…` is a name like any other, found
  // only when the runbook defines it, and never reaches Object.prototype.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set ${pair}: expected name=value`);
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const param = Object.hasOwn(params, name) ? params[name] : undefined;
    if (!param) {
      const known = names.length ? `its params are ${names.join(', ')}` : 'it has no params';
      throw new UsageError(`--set ${name}: ${file} has no param "${name}"; ${known}`);
    }
    if (param.pattern && !matchesWhole(param.pattern, value)) {
      const shown = param.secret ? 'the value' : `"${value}"`;
      throw new UsageError(`--set ${name}: ${shown} does not match the param's pattern ${param.pattern}`);
    }
    if (param.choices && !param.choices.includes(value)) {
      throw new UsageError(`--set ${name}: "${value}" is not one of ${param.choices.join(', ')}`);
    }
    values[name] = value;
  }
  return values;
}
