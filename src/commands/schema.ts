// `patchwalk schema`: the runbook JSON Schema. It is printed from the committed runbook.schema.json
// (a test keeps that file equal to the schema in the code), so the command does not load zod.
import { readFileSync } from 'node:fs';
import { EXIT } from '../exit-codes.js';

const COMMITTED = new URL('../../runbook.schema.json', import.meta.url);

export async function printSchema(out: NodeJS.WritableStream): Promise<number> {
  let text: string;
  try {
    text = readFileSync(COMMITTED, 'utf8');
  } catch {
    // A copy without the file (an unusual install) still gets the schema, made from the code.
    const { runbookJsonSchema } = await import('../runbook/schema.js');
    text = `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`;
  }
  out.write(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.ok;
}
