// Reads a runbook file and answers with either a checked runbook or every problem found in it.
import { readFile } from 'node:fs/promises';
import { byPosition, type Problem } from './problem.js';
import { HOST_WITHOUT_SSH, referenceFindings, type ScalarFinding } from './references.js';
import { RunbookSchema, type Runbook } from './schema.js';
import { structureFindings } from './structure.js';
import { YamlSource } from './yaml-source.js';

export interface LoadResult {
  file: string;
  source: string;
  runbook?: Runbook;
  problems: Problem[];
}

function fieldName(path: readonly (string | number)[], data: unknown): string {
  const steps = (data as { steps?: unknown[] } | null)?.steps;
  return path
    .map((segment, index) => {
      if (index === 1 && path[0] === 'steps' && typeof segment === 'number') {
        const id = (steps?.[segment] as { id?: unknown } | undefined)?.id;
        return typeof id === 'string' && id ? id : `[${segment + 1}]`;
      }
      return typeof segment === 'number' ? `[${segment}]` : segment;
    })
    .join('.')
    .replaceAll('.[', '[');
}

export interface LoadOptions {
  /** A rehearsal executes no command, so an on: host step without target.ssh cannot run anywhere wrong. */
  rehearsal?: boolean;
}

export function loadRunbookText(file: string, text: string, options: LoadOptions = {}): LoadResult {
  const source = new YamlSource(text);
  const syntax = source.syntaxProblems();
  if (syntax.length > 0) {
    return { file, source: text, problems: syntax.map((p) => ({ file, line: p.line, col: p.col, field: '', message: p.message })) };
  }
  const data = source.data();
  const findings: ScalarFinding[] = [...structureFindings(data), ...referenceFindings(data)].filter(
    (finding) => !(options.rehearsal && finding.message === HOST_WITHOUT_SSH),
  );
  const problems = findings.map((finding) => {
    const position =
      finding.offset !== undefined ? source.positionInScalar(finding.path, finding.offset) : source.positionAt(finding.path, finding.atKey);
    return { file, ...position, field: fieldName(finding.path, data), message: finding.message };
  });
  problems.sort(byPosition);
  if (problems.length > 0) return { file, source: text, problems };
  return { file, source: text, runbook: RunbookSchema.parse(data), problems };
}

export async function loadRunbookFile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a runbook file' : (error as Error).message;
    return { file, source: '', problems: [{ file, line: 1, col: 1, field: '', message: `cannot read runbook: ${reason}` }] };
  }
  return loadRunbookText(file, text, options);
}
