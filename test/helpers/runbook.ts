import { loadRunbookText } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problem.js';
import type { Runbook } from '../../src/runbook/schema.js';

/** A runbook from YAML text; a test with a broken runbook fails with lint's own messages. */
export function runbookFrom(yaml: string): Runbook {
  const result = loadRunbookText('test.yaml', yaml);
  if (!result.runbook) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.runbook;
}
