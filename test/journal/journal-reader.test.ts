import { describe, expect, it } from 'vitest';
import { JournalError, parseJournal } from '../../src/journal/journal-reader.js';

describe('journal reader', () => {
  it('reads one record per line', () => {
    const read = parseJournal('{"type":"a","at":1}\n{"type":"b","at":2}\n');
    expect(read.records.map((record) => record.type)).toEqual(['a', 'b']);
    expect(read.torn).toBeUndefined();
  });

  it('tolerates and reports a torn last record, and says where the whole records end', () => {
    const whole = '{"type":"a","at":1}\n';
    const read = parseJournal(`${whole}{"type":"b","a`);
    expect(read.records).toHaveLength(1);
    expect(read.torn).toEqual({ line: 2, bytes: 14 });
    expect(read.validBytes).toBe(whole.length);
  });

  it('refuses a damaged record in the middle', () => {
    expect(() => parseJournal('{"type":"a","at":1}\nnot json\n{"type":"b","at":2}\n', 'j.jsonl')).toThrow(JournalError);
    expect(() => parseJournal('{"type":"a","at":1}\nnot json\n{"type":"b","at":2}\n', 'j.jsonl')).toThrow('j.jsonl:2: not a journal record');
  });
});
