// The secret values of a run (params and inputs marked `secret`), kept in memory only, and the
// masking that keeps them out of the journal, the output files and the report.
import { SECRET_MASK } from '../engine/context.js';
import type { RunState } from '../engine/types.js';
import { maskText } from '../exec/output-file.js';

export class Secrets {
  private current: string[] = [];

  update(state: Pick<RunState, 'secretNames' | 'params' | 'vars'>): void {
    const values = state.secretNames.map((name) => state.params[name] ?? state.vars[name]).filter((value): value is string => Boolean(value));
    for (const value of values) if (!this.current.includes(value)) this.current.push(value);
  }

  add(value: string | undefined): void {
    if (value && !this.current.includes(value)) this.current.push(value);
  }

  values(): string[] {
    return [...this.current];
  }

  /** Masks each value as written and as it appears inside a JSON string. */
  mask = (text: string): string => {
    const forms = this.current.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
    return maskText(text, forms, SECRET_MASK);
  };
}

export { SECRET_MASK };
