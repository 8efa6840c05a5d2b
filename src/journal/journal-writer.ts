// Appends records to a run's journal. Every record is written and fsynced before append returns,
// so a record is on disk before the action it describes goes ahead (write-ahead).
import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { JournalRecord } from './records.js';

export class JournalWriter {
  private readonly fd: number;

  /** `validBytes` cuts off a torn last record before anything is appended. */
  constructor(
    readonly file: string,
    private readonly mask: (text: string) => string = (text) => text,
    validBytes?: number,
  ) {
    this.fd = openSync(file, validBytes === undefined ? 'a' : 'r+');
    if (validBytes !== undefined) {
      ftruncateSync(this.fd, validBytes);
      closeSync(this.fd);
      this.fd = openSync(file, 'a');
    }
  }

  append(record: JournalRecord): void {
    this.appendAll([record]);
  }

  /** Writes the records in one write and one fsync: an event and the records derived from it are
   * on disk together or not at all (a kill cannot land between them). */
  appendAll(records: readonly JournalRecord[]): void {
    if (records.length === 0) return;
    writeSync(this.fd, records.map((record) => `${this.mask(JSON.stringify(record))}\n`).join(''));
    fsyncSync(this.fd);
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
