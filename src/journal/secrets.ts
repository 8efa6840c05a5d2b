// The secret values of a run (params and inputs marked `secret`), kept in memory only, and the
// masking that keeps them out of the journal, the output files and the report.
//
// Masking works on values, never on raw text: a journal record is masked string by string before
// it is serialised, so a secret can never cut into a timestamp or the JSON around it. A value equal
// to a secret is masked whatever its length; inside a longer text only a secret of at least
// SECRET_MIN_SUBSTRING_CHARS is replaced, since masking every "1" destroys the text and hides
// nothing. Such a short secret cannot be masked in command output, and the operator is told once.
import { SECRET_MASK } from '../engine/context.js';
import type { RunState } from '../engine/types.js';
import { SECRET_MIN_SUBSTRING_CHARS } from '../limits.js';

const toStderr = (text: string) => {
  process.stderr.write(`patchwalk: ${text}\n`);
};

export class Secrets {
  private current: string[] = [];
  /** Those long enough to mask inside a text; kept, since every string of every record asks. */
  private long: string[] = [];
  private warned = false;

  constructor(private readonly warn: (text: string) => void = toStderr) {}

  update(state: Pick<RunState, 'secretNames' | 'params' | 'vars'>): void {
    for (const name of state.secretNames) this.add(state.params[name] ?? state.vars[name], name);
  }

  add(value: string | undefined, name?: string): void {
    if (!value || this.current.includes(value)) return;
    this.current.push(value);
    if (value.length >= SECRET_MIN_SUBSTRING_CHARS) this.long.push(value);
    if (value.length < SECRET_MIN_SUBSTRING_CHARS && !this.warned) {
      this.warned = true;
      this.warn(
        `warning: the secret${name ? ` ${name}` : ''} is shorter than ${SECRET_MIN_SUBSTRING_CHARS} characters: it is kept out of the journal, but cannot be masked in command output`,
      );
    }
  }

  /** The values that can be masked inside free text, such as command output. */
  values(): string[] {
    return [...this.long];
  }

  /** One string value with every secret masked: whole if it equals one, by substring if long enough. */
  mask = (text: string): string => {
    if (this.current.length === 0) return text;
    if (this.current.includes(text)) return SECRET_MASK;
    let masked = text;
    for (const secret of this.long) if (masked.includes(secret)) masked = masked.split(secret).join(SECRET_MASK);
    return masked;
  };
}

/**
 * A value as JSON with `mask` applied to every string in it (keys are names, kept). Masked as it is
 * serialised, not copied first: a record naming 5,000 VMs was copied whole for nothing.
 */
export function maskedJson(value: unknown, mask: (text: string) => string): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? mask(item) : item));
}

/** A copy of a parsed value with `mask` applied to every string in it (keys are names, kept). */
export function maskStrings<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = maskStrings(item, mask);
    return out as T;
  }
  return value;
}

export { SECRET_MASK };
