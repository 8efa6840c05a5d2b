// Appends records to a run's journal. Every record is written and fsynced before append returns,
// so a record is on disk before the action it describes goes ahead (write-ahead). Secrets are
// masked in the record's string values before it is serialised, so the line is always valid JSON.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import type { JournalRecord } from './records.js';
import { maskStrings } from './secrets.js';
import { openForWrite, writeAll, writing } from './state-io.js';

export class JournalWriter {
  private readonly fd: number;
  /** Told of every record once it is on disk (notifications follow the journal); never block. */
  private readonly listeners: ((records: readonly JournalRecord[]) => void)[] = [];

  /** `validBytes` cuts off a torn last record before anything is appended. */
  constructor(
    readonly file: string,
    private readonly mask: (value: string) => string = (value) => value,
    validBytes?: number,
  ) {
    if (validBytes !== undefined) {
      const fd = openForWrite(file, 'r+');
      writing(file, () => ftruncateSync(fd, validBytes));
      closeSync(fd);
    }
    this.fd = openForWrite(file, 'a');
    // A last record whose newline was never written (a short write on a full disk) must not have
    // the next record glued onto it.
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const reader = openSync(file, 'r');
      try {
        readSync(reader, last, 0, 1, size - 1);
      } finally {
        closeSync(reader);
      }
      if (last[0] !== 10) writeAll(this.fd, '\n', file);
    }
  }

  /** Set once the run is handed over: this session's records would mix with the new driver's. */
  private stopped = false;

  /** Drops every later record: the run was taken over, and the new driver writes from here on. */
  stopWriting(): void {
    this.stopped = true;
  }

  append(record: JournalRecord): void {
    this.appendAll([record]);
  }

  /** Writes the records in one write and one fsync: an event and the records derived from it are
   * on disk together or not at all (a kill cannot land between them). */
  appendAll(records: readonly JournalRecord[]): void {
    if (records.length === 0 || this.stopped) return;
    writeAll(this.fd, records.map((record) => `${JSON.stringify(maskStrings(record, this.mask))}\n`).join(''), this.file);
    for (const listener of this.listeners) listener(records);
  }

  subscribe(listener: (records: readonly JournalRecord[]) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
