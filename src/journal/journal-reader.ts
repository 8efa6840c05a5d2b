// Reads a journal. A last line cut off by a crash is tolerated and reported; a bad line anywhere
// else means the file was damaged, and reading stops with its line number.
import { readFileSync } from 'node:fs';
import type { JournalRecord, RecordOf } from './records.js';

export interface JournalRead {
  records: JournalRecord[];
  /** The last record was cut off (a crash while it was written); it is ignored. */
  torn?: { line: number; bytes: number };
  /** Bytes up to the end of the last whole record. */
  validBytes: number;
}

export class JournalError extends Error {}

export function parseJournal(text: string, file = 'journal'): JournalRead {
  const records: JournalRecord[] = [];
  let offset = 0;
  let line = 0;
  while (offset < text.length) {
    line++;
    const end = text.indexOf('\n', offset);
    const raw = end === -1 ? text.slice(offset) : text.slice(offset, end);
    const next = end === -1 ? text.length : end + 1;
    let record: JournalRecord | undefined;
    try {
      record = JSON.parse(raw) as JournalRecord;
    } catch {
      record = undefined;
    }
    if (!record || typeof record !== 'object' || typeof record.type !== 'string') {
      if (next >= text.length) {
        return { records, torn: { line, bytes: Buffer.byteLength(text.slice(offset)) }, validBytes: Buffer.byteLength(text.slice(0, offset)) };
      }
      throw new JournalError(`${file}:${line}: not a journal record`);
    }
    records.push(record);
    offset = next;
  }
  return { records, validBytes: Buffer.byteLength(text) };
}

export function readJournal(file: string): JournalRead {
  return parseJournal(readFileSync(file, 'utf8'), file);
}

export function recordsOf<T extends JournalRecord['type']>(records: JournalRecord[], type: T): RecordOf<T>[] {
  return records.filter((record) => record.type === type) as RecordOf<T>[];
}

export const TORN_MESSAGE = 'journal: last record was cut off, ignored';
