import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { parseJournal, readJournal, scanJournal, skippedNotice } from '../../src/journal/journal-reader.js';
import { JOURNAL_RECORD_MAX_BYTES } from '../../src/limits.js';

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

  it('skips a damaged record in the middle and says which line it was', () => {
    const read = parseJournal('{"type":"a","at":1}\nnot json\n{"type":"b","at":2}\n');
    expect(read.records.map((record) => record.type)).toEqual(['a', 'b']);
    expect(read.skipped).toEqual({ lines: [2], count: 1 });
    expect(read.torn).toBeUndefined();
    expect(skippedNotice('j.jsonl', read)).toBe('j.jsonl: line 2 is not a journal record; skipped');
  });

  it('treats a damaged last line as torn, so resume cuts it off', () => {
    const whole = '{"type":"a","at":1}\n';
    const read = parseJournal(`${whole}garbage\n`);
    expect(read.torn).toEqual({ line: 2, bytes: 8 });
    expect(read.validBytes).toBe(whole.length);
    expect(read.skipped.count).toBe(0);
  });

  it('streams a journal in chunks: records split across chunk edges and from an offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchwalk-reader-'));
    const file = join(dir, 'journal.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ type: 'notice', at: i, text: 'x'.repeat(i % 97) }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const seen: number[] = [];
    const scan = scanJournal(file, (record, line) => seen.push(record.at * 10000 + line));
    expect(seen).toHaveLength(3000);
    expect(seen.every((value, i) => value === i * 10000 + i + 1)).toBe(true);
    const half = Buffer.byteLength(`${lines.slice(0, 1500).join('\n')}\n`);
    const rest: number[] = [];
    const tail = scanJournal(file, (record, line) => rest.push(line), { from: half, fromLine: 1500 });
    expect(rest[0]).toBe(1501);
    expect(tail.validBytes).toBe(scan.validBytes);
  });

  it('skips a line longer than any record without buffering it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchwalk-reader-'));
    const file = join(dir, 'journal.jsonl');
    writeFileSync(file, `{"type":"a","at":1}\n${'z'.repeat(JOURNAL_RECORD_MAX_BYTES + 10)}\n{"type":"b","at":2}\n`);
    const read = readJournal(file);
    expect(read.records.map((record) => record.type)).toEqual(['a', 'b']);
    expect(read.skipped.lines).toEqual([2]);
  });

  it('a writer never glues a record onto a last line that lost its newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'patchwalk-reader-')), 'journal.jsonl');
    writeFileSync(file, '{"type":"a","at":1}');
    const writer = new JournalWriter(file);
    writer.append({ type: 'notice', at: 2, level: 'info', text: 'next' });
    writer.close();
    expect(readJournal(file).records.map((record) => record.type)).toEqual(['a', 'notice']);
  });
});
