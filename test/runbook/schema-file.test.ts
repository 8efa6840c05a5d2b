import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runbookJsonSchema } from '../../src/runbook/schema.js';

it('runbook.schema.json, which runbooks point their editors at, matches the schema in the code', () => {
  const committed = JSON.parse(readFileSync(new URL('../../runbook.schema.json', import.meta.url), 'utf8'));
  expect(committed, 'run: node dist/cli.js schema > runbook.schema.json').toEqual(runbookJsonSchema());
});
