import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { SECRET_MASK, Secrets } from '../../src/journal/secrets.js';
import { tempDir } from '../helpers/cli.js';

describe('secret masking (13.4)', () => {
  it('a one-character secret leaves every journal line valid JSON and its timestamps whole', () => {
    const warnings: string[] = [];
    const secrets = new Secrets((text) => warnings.push(text));
    secrets.add('1', 'pw');
    secrets.add('2', 'pin');
    const file = join(tempDir('patchwalk-secrets-'), 'journal.jsonl');
    const journal = new JournalWriter(file, secrets.mask);
    journal.append({ type: 'answer', at: 1711111111111, step: 's1', question: 'PIN 1?', answer: '1', by: 'op1' });
    journal.append({ type: 'notice', at: 1711111111112, level: 'info', text: 'value 1 in 12 places' });
    journal.close();
    const records = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records[0]).toEqual({ type: 'answer', at: 1711111111111, step: 's1', question: 'PIN 1?', answer: SECRET_MASK, by: 'op1' });
    expect(records[1].text).toBe('value 1 in 12 places');
    expect(warnings).toEqual(['warning: the secret pw is shorter than 4 characters: it is kept out of the journal, but cannot be masked in command output']);
    expect(secrets.values()).toEqual([]);
  });

  it('a longer secret is masked inside any string value, including nested ones and quotes', () => {
    const secrets = new Secrets(() => {});
    secrets.add('s3cr"et');
    expect(secrets.mask('pw=s3cr"et;again s3cr"et')).toBe(`pw=${SECRET_MASK};again ${SECRET_MASK}`);
    const file = join(tempDir('patchwalk-secrets-'), 'journal.jsonl');
    const journal = new JournalWriter(file, secrets.mask);
    journal.append({ type: 'exec-start', at: 1, step: 's', effect: 1, command: `login --password 's3cr"et'`, output: 'o', status_file: 's', pid_file: 'p' });
    journal.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('s3cr');
    expect(JSON.parse(text).command).toBe(`login --password '${SECRET_MASK}'`);
    expect(secrets.values()).toEqual(['s3cr"et']);
  });
});
