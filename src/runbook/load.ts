// Reads a runbook file and answers with either a checked runbook or every problem found in it.
import { isScalar, Lexer, visit } from 'yaml';
import { RUNBOOK_MAX_BYTES, RUNBOOK_MAX_STEPS, RUNBOOK_MAX_YAML_TOKENS, YAML_COLLECTION_TOKEN_WEIGHT, YAML_TOKENS_PER_BYTE } from '../limits.js';
import { CLUSTER_PHASES } from '../cluster/cluster-schema.js';
import { byPosition, type Problem } from './problem.js';
import { readRunbookFile, tooBig } from './read-runbook.js';
import { HOST_WITHOUT_SSH, referenceFindings, type ScalarFinding } from './references.js';
import { RunbookSchema, type Runbook } from './schema.js';
import { structureFindings } from './structure.js';
import { YamlSource } from './yaml-source.js';

export interface LoadResult {
  file: string;
  source: string;
  runbook?: Runbook;
  problems: Problem[];
  /** Advice that does not stop the runbook from running. */
  hints?: Problem[];
}

const STEP_LISTS = ['steps', ...CLUSTER_PHASES];

function fieldName(path: readonly (string | number)[], data: unknown): string {
  const list = path[0];
  const steps = typeof list === 'string' && STEP_LISTS.includes(list) ? (data as Record<string, unknown[] | undefined> | null)?.[list] : undefined;
  return path
    .map((segment, index) => {
      if (index === 1 && steps !== undefined && typeof segment === 'number') {
        const id = (steps?.[segment] as { id?: unknown } | undefined)?.id;
        return typeof id === 'string' && id ? id : `[${segment + 1}]`;
      }
      return typeof segment === 'number' ? `[${segment}]` : segment;
    })
    .join('.')
    .replaceAll('.[', '[');
}

/**
 * The YAML parser holds every token of the document in memory at once; counting them first with
 * its lexer, which keeps none, refuses a runbook that would not fit before it is parsed.
 */
function tooManyTokens(text: string): boolean {
  // A token takes at least a byte, or is one of the lexer's markers around one; no text makes more
  // than YAML_TOKENS_PER_BYTE weighted tokens a byte (test/runbook/load-limits.test.ts), so a file
  // that small cannot reach the limit and is not lexed an extra time.
  if (Buffer.byteLength(text) * YAML_TOKENS_PER_BYTE <= RUNBOOK_MAX_YAML_TOKENS) return false;
  let tokens = 0;
  for (const token of new Lexer().lex(text)) {
    tokens += token === '[' || token === '{' ? YAML_COLLECTION_TOKEN_WEIGHT : 1;
    if (tokens > RUNBOOK_MAX_YAML_TOKENS) return true;
  }
  return false;
}

/** Fields whose value becomes a variable's name. */
const NAMING_KEYS = new Set(['var', 'capture']);

/**
 * `__proto__` as a key, or as the name of a variable, would be dropped or reach Object.prototype
 * further on; no name needs it.
 */
function reservedNameProblems(source: YamlSource): { line: number; col: number; message: string }[] {
  const problems: { line: number; col: number; message: string }[] = [];
  const reserved = (node: unknown): node is { range: [number, number, number] } =>
    isScalar(node) && node.value === '__proto__' && Boolean(node.range);
  visit(source.doc, {
    Pair: (_key, pair) => {
      const named = isScalar(pair.key) && NAMING_KEYS.has(String(pair.key.value)) ? pair.value : undefined;
      for (const node of [pair.key, named]) {
        if (reserved(node)) problems.push({ ...source.positionOf(node.range[0]), message: '"__proto__" cannot be a key or a name: pick another name' });
      }
    },
  });
  return problems;
}

export interface LoadOptions {
  /** A rehearsal executes no command, so an on: host step without target.ssh cannot run anywhere wrong. */
  rehearsal?: boolean;
}

export function loadRunbookText(file: string, text: string, options: LoadOptions = {}): LoadResult {
  const whole = (message: string): LoadResult => ({ file, source: text, problems: [{ file, line: 1, col: 1, field: '', message }] });
  // Text that did not come through readRunbookFile (the run's copy, for resume and report).
  const bytes = Buffer.byteLength(text);
  if (bytes > RUNBOOK_MAX_BYTES) return whole(tooBig(bytes));
  if (tooManyTokens(text)) {
    return whole(`runbook is too big to check: it has more than ${RUNBOOK_MAX_YAML_TOKENS} YAML tokens (keys, values and punctuation), more than lint can check in its memory; split it into smaller runbooks`);
  }
  const source = new YamlSource(text);
  const syntax = source.syntaxProblems();
  if (syntax.length === 0) syntax.push(...reservedNameProblems(source));
  if (syntax.length > 0) {
    return { file, source: text, problems: syntax.map((p) => ({ file, line: p.line, col: p.col, field: '', message: p.message })) };
  }
  const data = source.data();
  const lists = STEP_LISTS.filter((key) => Array.isArray((data as Record<string, unknown> | null)?.[key]));
  const stepCount = lists.reduce((sum, key) => sum + ((data as Record<string, unknown[]>)[key]?.length ?? 0), 0);
  if (stepCount > RUNBOOK_MAX_STEPS) {
    const message = `runbook has ${stepCount} steps, and at most ${RUNBOOK_MAX_STEPS} are allowed: split it into smaller runbooks`;
    const at = lists[0] ?? 'steps';
    return { file, source: text, problems: [{ file, ...source.positionAt([at], true), field: at, message }] };
  }
  const findings: ScalarFinding[] = [...structureFindings(data), ...referenceFindings(data)].filter(
    (finding) => !(options.rehearsal && finding.message === HOST_WITHOUT_SSH),
  );
  const placed = (finding: ScalarFinding): Problem => {
    const position =
      finding.offset !== undefined ? source.positionInScalar(finding.path, finding.offset) : source.positionAt(finding.path, finding.atKey);
    return { file, ...position, field: fieldName(finding.path, data), message: finding.message };
  };
  const problems = findings.filter((finding) => !finding.hint).map(placed).sort(byPosition);
  const hints = findings.filter((finding) => finding.hint).map(placed).sort(byPosition);
  if (problems.length > 0) return { file, source: text, problems, hints };
  return { file, source: text, runbook: RunbookSchema.parse(data), problems, hints };
}

export async function loadRunbookFile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const read = await readRunbookFile(file);
  if ('problem' in read) {
    const { line, col } = read.at ?? { line: 1, col: 1 };
    return { file, source: '', problems: [{ file, line, col, field: '', message: read.problem }] };
  }
  return loadRunbookText(file, read.text, options);
}
