import { runbookJsonSchema } from '../runbook/schema.js';

export function printSchema(out: NodeJS.WritableStream): number {
  out.write(`${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
  return 0;
}
