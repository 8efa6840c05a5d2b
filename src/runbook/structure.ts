// Structural checks: the zod schema's verdict, turned into messages an operator can act on.
import type { z } from 'zod';
import { CLUSTER_PHASES } from '../cluster/cluster-schema.js';
import { clusterShapeFindings } from '../cluster/cluster-lint.js';
import { didYouMean } from './problem.js';
import {
  COMMON_STEP_KEYS,
  RunbookTopLevel,
  SELECTOR_MESSAGE,
  SELECTOR_WORDS,
  STEP_EXTRA_KEYS,
  STEP_KINDS,
  STEP_SCHEMAS,
  type StepKind,
} from './schema.js';
import type { PathSegment } from './yaml-source.js';

export interface Finding {
  path: PathSegment[];
  /** Point at the key rather than the value (unknown keys). */
  atKey?: boolean;
  message: string;
  /** Advice, not an error: lint prints it, and the runbook still runs. */
  hint?: boolean;
}

type Issue = z.core.$ZodIssue;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment as string];
  }
  return value;
}

function kindOfValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value}"`;
  if (typeof value === 'boolean') return String(value);
  return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function allowedKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** The schema that checks the value at this path, unwrapped; undefined where a union makes it ambiguous. */
function schemaAt(root: z.ZodType, path: readonly PathSegment[]): unknown {
  let schema: unknown = root;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: Record<string, unknown> } | undefined)?.def;
    if (!def) return undefined;
    if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[segment as string];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
  }
  return unwrap(schema);
}

/** A duration field: a string schema that takes "5m" and calls "five" a bad duration. */
function isDuration(schema: unknown): boolean {
  const type = schema as z.ZodType | undefined;
  if (typeof type?.safeParse !== 'function') return false;
  const wrong = type.safeParse('five');
  return type.safeParse('5m').success && !wrong.success && wrong.error.issues[0]?.message === 'bad duration';
}

/** The keys a strict object at this path would accept, for "did you mean". */
function keysAtPath(root: z.ZodType, path: readonly PathSegment[]): string[] {
  const schema = schemaAt(root, path);
  const def = (schema as { def?: Record<string, unknown> } | undefined)?.def;
  if (def?.type === 'union') {
    return (def.options as z.ZodType[]).flatMap((option) => allowedKeys(unwrap(option) as z.ZodType));
  }
  return allowedKeys(schema as z.ZodType);
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type: string; innerType?: unknown } } | undefined;
  while (current?.def && ['optional', 'nullable', 'default'].includes(current.def.type)) {
    current = current.def.innerType as typeof current;
  }
  return current;
}

/** Union branches whose issues all sit inside the value: the branch written for this type of value. */
function branchesForValue(issue: Issue & { code: 'invalid_union' }): number[] {
  const wrongType = (inner: Issue) => inner.path.length === 0 && ['invalid_type', 'invalid_value'].includes(inner.code);
  return issue.errors.flatMap((branch, index) => (branch.length > 0 && !branch.some((inner) => wrongType(inner as Issue)) ? [index] : []));
}

function unionFindings(issue: Issue & { code: 'invalid_union' }, value: unknown, data: unknown, path: PathSegment[], schema: z.ZodType): Finding[] {
  // A string that failed a pattern branch has the most specific message (bad duration, selector).
  const branches = issue.errors.flat();
  const formatted = branches.find((branch) => branch.code === 'invalid_format' && branch.path.length === 0 && typeof value === 'string');
  const enumBranch = branches.find((branch) => branch.code === 'invalid_value' && branch.path.length === 0);
  if (formatted) {
    const words = enumBranch ? (enumBranch as { values: unknown[] }).values.map(String) : [];
    return [{ path, message: formatMessage(formatted.message, value) + didYouMean(String(value), words) }];
  }
  // The value has the right shape for one branch ({ retry: 3, then: … }, an argv list) and is wrong
  // inside it: say what is wrong there, not that the whole value has the wrong type.
  const matching = branchesForValue(issue);
  const [only] = matching;
  if (only !== undefined && matching.length === 1) {
    const union = schemaAt(schema, issue.path as PathSegment[]) as { def?: { type?: string; options?: z.ZodType[] } } | undefined;
    const option = union?.def?.type === 'union' ? union.def.options?.[only] : undefined;
    // branchesForValue returns indexes into issue.errors, so the branch is there.
    return (issue.errors[only] ?? []).flatMap((inner) => issueFindings(inner as Issue, data, path, (unwrap(option) as z.ZodType | undefined) ?? schema, option === undefined));
  }
  const expected = new Set<string>();
  for (const branch of branches) {
    if (branch.path.length > 0) continue;
    if (branch.code === 'invalid_type') expected.add(EXPECTED_NAMES[branch.expected] ?? branch.expected);
    if (branch.code === 'invalid_value') expected.add(`one of ${branch.values.map(String).join(', ')}`);
  }
  if (enumBranch && typeof value === 'string') {
    const words = (enumBranch as { values: unknown[] }).values.map(String);
    return [{ path, message: `expected ${[...expected].join(' or ')}, got "${value}"${didYouMean(value, words)}` }];
  }
  return [{ path, message: `expected ${[...expected].join(' or ') || 'another form'}, got ${kindOfValue(value)}` }];
}

const DURATION_UNITS: [RegExp, string][] = [
  [/^(ms|msecs?|millis|milliseconds?)$/, 'ms'],
  [/^(s|secs?|seconds?)$/, 's'],
  [/^(m|mins?|minutes?)$/, 'm'],
  [/^(h|hrs?|hours?)$/, 'h'],
];

/** "5min" -> "5m", "2 hours" -> "2h": the duration the operator most likely meant. */
function durationHint(text: string): string {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = match && DURATION_UNITS.find(([words]) => words.test(match[2]!.toLowerCase()))?.[1];
  return match && unit ? ` (did you mean "${match[1]}${unit}"?)` : '';
}

function formatMessage(message: string, value: unknown): string {
  if (message === 'bad duration') {
    return `bad duration "${String(value)}"${durationHint(String(value))}: use a number and a unit, such as 90s, 5m or 1h30m`;
  }
  // "tags:prod" is most likely "tag:prod": offer the prefixed forms with the same rest.
  const rest = /^[^:]+:(.+)$/.exec(String(value))?.[1];
  const selectors = rest === undefined ? SELECTOR_WORDS : [...SELECTOR_WORDS, `tag:${rest}`, `name:${rest}`];
  const hint = message === SELECTOR_MESSAGE ? didYouMean(String(value), selectors) : '';
  return `${message}, got "${String(value)}"${hint}`;
}

/**
 * Findings for one zod issue. `schema` is what checked the value at `base`; `loose` says it is only
 * a guess (a union branch that could not be found), so hints and duration wording are left out.
 */
function issueFindings(issue: Issue, data: unknown, base: PathSegment[], schema: z.ZodType, loose = false, keyValue?: string): Finding[] {
  const path = [...base, ...(issue.path as PathSegment[])];
  const value = keyValue ?? valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = loose ? [] : keysAtPath(schema, issue.path as PathSegment[]);
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        message: `unknown key "${key}"${didYouMean(key, allowed)}`,
      }));
    }
    case 'invalid_type': {
      if (value === undefined) {
        const field = path[path.length - 1];
        return [{ path: path.slice(0, -1), message: `missing required key "${String(field)}"` }];
      }
      if (!loose && isDuration(schemaAt(schema, issue.path as PathSegment[]))) {
        const hint = typeof value === 'number' ? ` (add a unit: ${value}s or ${value}m)` : '';
        return [{ path, message: `expected a duration such as 90s, 5m or 1h30m, got ${kindOfValue(value)}${hint}` }];
      }
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return [{ path, message: `expected ${expected}, got ${kindOfValue(value)}` }];
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      if (value === undefined) {
        const field = path[path.length - 1];
        return [{ path: path.slice(0, -1), message: `missing required key "${String(field)}"` }];
      }
      if (values.length === 1) return [{ path, message: `must be ${values[0]}, got ${kindOfValue(value)}` }];
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      return [{ path, message: `expected one of ${values.join(', ')}, got ${kindOfValue(value)}${hint}` }];
    }
    case 'invalid_format':
      return [{ path, message: formatMessage(issue.message, value) }];
    case 'invalid_union':
      return unionFindings(issue, value, data, path, schema);
    case 'too_small':
      if (issue.origin === 'array') return [{ path, message: `needs at least ${String(issue.minimum)} ${issue.minimum === 1 ? 'item' : 'items'}` }];
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }];
      return [{ path, message: `must be at least ${String(issue.minimum)}, got ${String(value)}` }];
    case 'too_big':
      return [{ path, message: `must be at most ${String(issue.maximum)}, got ${String(value)}` }];
    case 'invalid_key':
      // The key itself is the value that is wrong (params: { Host: … }).
      return issue.issues
        .flatMap((inner) => issueFindings(inner as Issue, data, path, schema, loose, String(path[path.length - 1])))
        .map((finding) => ({ ...finding, atKey: true }));
    default:
      return [{ path, message: issue.message }];
  }
}

function schemaFindings(schema: z.ZodType, value: unknown, data: unknown, base: PathSegment[]): Finding[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => issueFindings(issue, data, base, schema));
}

const ALL_STEP_KEYS = [...COMMON_STEP_KEYS, ...STEP_EXTRA_KEYS, ...STEP_KINDS];

export function stepKindsIn(step: Record<string, unknown>): StepKind[] {
  return STEP_KINDS.filter((kind) => kind in step);
}

function stepFindings(step: unknown, index: number, data: unknown, list: string = 'steps'): Finding[] {
  const path: PathSegment[] = [list, index];
  if (!isRecord(step)) {
    return [{ path, message: `expected a step (a mapping with id, title and an action), got ${kindOfValue(step)}` }];
  }
  const kinds = stepKindsIn(step);
  const [kind, second] = kinds;
  // Every kind in STEP_KINDS has its schema in STEP_SCHEMAS: both come from the same registry.
  const kindSchema = kind === undefined ? undefined : STEP_SCHEMAS[kind];
  if (kind !== undefined && kindSchema !== undefined && kinds.length === 1) {
    // on, capture and env are run-step keys; elsewhere say so rather than "unknown key".
    return schemaFindings(kindSchema, step, data, path).map((finding) => {
      const key = finding.path[2];
      if (!finding.atKey || finding.path.length !== 3 || typeof key !== 'string' || !STEP_EXTRA_KEYS.includes(key)) return finding;
      if (kind === 'wait' && key === 'on') return { ...finding, message: 'in a wait step, "on" goes inside wait:' };
      return { ...finding, message: `"${key}" only works on run steps, not on ${kind}` };
    });
  }
  if (kind !== undefined && second !== undefined) {
    return [{ path: [...path, second], atKey: true, message: `a step does one thing, but this one has both ${kind} and ${second}` }];
  }
  const findings: Finding[] = Object.keys(step)
    .filter((key) => !ALL_STEP_KEYS.includes(key))
    .map((key) => ({ path: [...path, key], atKey: true, message: `unknown key "${key}"${didYouMean(key, ALL_STEP_KEYS)}` }));
  findings.push({ path, message: `step has no action: add one of ${STEP_KINDS.join(', ')}` });
  return findings;
}

export function structureFindings(data: unknown): Finding[] {
  if (data === null || data === undefined) {
    return [{ path: [], message: 'the file is empty: a runbook is a mapping with runbook, title and steps' }];
  }
  if (!isRecord(data)) {
    return [{ path: [], message: `a runbook is a mapping with runbook, title and steps, got ${kindOfValue(data)}` }];
  }
  const findings = schemaFindings(RunbookTopLevel, data, data, []);
  if (Array.isArray(data.steps)) data.steps.forEach((step, index) => findings.push(...stepFindings(step, index, data)));
  for (const phase of CLUSTER_PHASES) {
    const list = data[phase];
    if (Array.isArray(list)) list.forEach((step, index) => findings.push(...stepFindings(step, index, data, phase)));
  }
  findings.push(...clusterShapeFindings(data));
  return findings;
}
