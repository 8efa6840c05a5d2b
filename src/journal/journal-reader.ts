// Reads a journal as a stream of records, in bounded memory whatever its size: a chunk at a time,
// each line parsed and handed on, never the whole file at once. A last line cut off by a crash is
// tolerated and reported (torn); a damaged line anywhere else is skipped and reported, so one bad
// line never hides the run.
import { closeSync, openSync, readSync } from 'node:fs';
import { JOURNAL_READ_CHUNK_BYTES, JOURNAL_RECORD_MAX_BYTES, JOURNAL_SKIPPED_NAMED } from '../limits.js';
import type { JournalRecord, RecordOf } from './records.js';

export interface JournalScan {
  /** The last line was cut off (a crash while it was written); it is ignored. */
  torn?: { line: number; bytes: number };
  /** Offset just past the last whole line: where the next record belongs. */
  validBytes: number;
  /** Lines seen up to validBytes, for line numbers when reading on from there. */
  lines: number;
  /** Records read. */
  count: number;
  /** Damaged lines that were skipped: the first few by line number, and how many in all. */
  skipped: { lines: number[]; count: number };
}

export interface JournalRead extends JournalScan {
  records: JournalRecord[];
}

export type RecordVisitor = (record: JournalRecord, line: number) => void;

function asRecord(raw: string): JournalRecord | undefined {
  try {
    const record = JSON.parse(raw) as JournalRecord;
    return record && typeof record === 'object' && !Array.isArray(record) && typeof record.type === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Splits bytes into lines and records; fed a chunk at a time. */
class RecordSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversize = false;
  private offset: number;
  private line: number;
  readonly scan: JournalScan;

  constructor(
    private readonly visit: RecordVisitor,
    from: number,
    fromLine: number,
  ) {
    this.offset = from;
    this.line = fromLine;
    this.scan = { validBytes: from, lines: fromLine, count: 0, skipped: { lines: [], count: 0 } };
  }

  /** A whole line, or the unterminated end of the file. */
  private take(bytes: Buffer | undefined, length: number, last: boolean): void {
    this.line++;
    const record = bytes && !this.oversize ? asRecord(bytes.toString('utf8')) : undefined;
    const end = this.offset + length + (last ? 0 : 1);
    if (record) {
      this.scan.count++;
      this.visit(record, this.line);
    } else if (last) {
      this.scan.torn = { line: this.line, bytes: length };
      this.offset = end;
      return;
    } else {
      this.pendingSkip = { line: this.line, start: this.offset, end };
      this.offset = end;
      return;
    }
    this.offset = end;
    this.scan.validBytes = end;
    this.scan.lines = this.line;
  }

  /** A bad line counts as skipped only once a later line proves it is not the torn end. */
  private pendingSkip: { line: number; start: number; end: number } | undefined;

  private settleSkip(): void {
    if (this.pendingSkip === undefined) return;
    const { line, end } = this.pendingSkip;
    this.scan.skipped.count++;
    if (this.scan.skipped.lines.length < JOURNAL_SKIPPED_NAMED) this.scan.skipped.lines.push(line);
    this.scan.validBytes = end;
    this.scan.lines = line;
    this.pendingSkip = undefined;
  }

  feed(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.settleSkip();
      const piece = chunk.subarray(start, newline);
      const length = this.partBytes + piece.length;
      const whole = this.oversize ? undefined : this.parts.length ? Buffer.concat([...this.parts, piece]) : piece;
      this.take(whole, length, false);
      this.parts = [];
      this.partBytes = 0;
      this.oversize = false;
      start = newline + 1;
    }
    if (start < chunk.length) {
      const piece = chunk.subarray(start);
      this.partBytes += piece.length;
      // A line longer than any record patchwalk writes is not buffered: only its length is kept.
      if (this.partBytes > JOURNAL_RECORD_MAX_BYTES) {
        this.oversize = true;
        this.parts = [];
      } else this.parts.push(Buffer.from(piece));
    }
  }

  end(): JournalScan {
    if (this.partBytes > 0) {
      // A last line without its newline: a whole record is kept, anything else is the torn end.
      this.settleSkip();
      this.take(this.oversize ? undefined : Buffer.concat(this.parts), this.partBytes, true);
    } else if (this.pendingSkip !== undefined) {
      // The last line was damaged: like a torn record, it is cut off before anything is appended.
      const { line, start, end } = this.pendingSkip;
      this.scan.torn = { line, bytes: end - start };
      this.pendingSkip = undefined;
    }
    return this.scan;
  }
}

/**
 * Streams the records of a journal file to `visit`, starting at byte `from` (a line start, with
 * `fromLine` lines before it). Memory stays bounded by the longest record, whatever the file's size.
 */
export function scanJournal(file: string, visit: RecordVisitor, { from = 0, fromLine = 0 } = {}): JournalScan {
  const splitter = new RecordSplitter(visit, from, fromLine);
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(JOURNAL_READ_CHUNK_BYTES);
    let position = from;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      position += read;
      splitter.feed(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return splitter.end();
}

export function parseJournal(text: string): JournalRead {
  const records: JournalRecord[] = [];
  const splitter = new RecordSplitter((record) => records.push(record), 0, 0);
  splitter.feed(Buffer.from(text));
  return { ...splitter.end(), records };
}

/** Every record in memory: for small journals and tests only; commands stream with scanJournal. */
export function readJournal(file: string): JournalRead {
  const records: JournalRecord[] = [];
  return { ...scanJournal(file, (record) => records.push(record)), records };
}

export function recordsOf<T extends JournalRecord['type']>(records: JournalRecord[], type: T): RecordOf<T>[] {
  return records.filter((record) => record.type === type) as RecordOf<T>[];
}

/** What a reader tells the operator about skipped lines, or undefined when none were. */
export function skippedNotice(file: string, scan: JournalScan): string | undefined {
  const { lines, count } = scan.skipped;
  if (!count) return undefined;
  const more = count > lines.length ? ` and ${count - lines.length} more` : '';
  return `${file}: line${count > 1 ? 's' : ''} ${lines.join(', ')}${more} ${count > 1 ? 'are' : 'is'} not a journal record; skipped`;
}

export const TORN_MESSAGE = 'journal: last record was cut off, ignored';
