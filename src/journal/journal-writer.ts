// Appends records to a run's journal. A record that comes before an action is written and fsynced
// before append returns, so it is on disk before the action goes ahead (write-ahead). Observations
// (a VM's state changing under a power action) are grouped instead: every one issued in the same
// turn of the event loop goes to disk in one write and one fsync (a group commit), and always
// before any later record. Secrets are masked in the record's string values before it is
// serialised, so the line is always valid JSON.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import type { JournalRecord } from './records.js';
import { maskedJson } from './secrets.js';
import { openForWrite, writeAll, writing } from './state-io.js';

export class JournalWriter {
  private readonly fd: number;
  /** Observations waiting for their group commit, already serialised, and the records themselves. */
  private pending = '';
  private pendingRecords: JournalRecord[] = [];
  private commitScheduled: NodeJS.Immediate | undefined;
  /** A group commit that failed in the background, thrown at the next write so a caller names it. */
  private failed: unknown;
  /** Writes to disk (each one write and one fsync) so far: what a test counts. */
  commits = 0;
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
    // Observations still waiting go too: the new driver sees the VMs for itself.
    this.pending = '';
    this.pendingRecords = [];
  }

  append(record: JournalRecord): void {
    this.appendAll([record]);
  }

  /** Writes the records (after any observations still waiting) in one write and one fsync: an
   * event and the records derived from it are on disk together or not at all (a kill cannot land
   * between them). */
  appendAll(records: readonly JournalRecord[]): void {
    this.throwFailed();
    if ((records.length === 0 && !this.pending) || this.stopped) return;
    const text = this.pending + this.serialise(records);
    const written = this.pendingRecords.length ? [...this.pendingRecords, ...records] : records;
    this.pending = '';
    this.pendingRecords = [];
    this.write(text, written);
  }

  /**
   * Observations: on disk with the next group commit, at the end of this turn of the event loop
   * or with the next record appended, whichever is first. A power action on 5,000 VMs reports
   * many changes a turn; each batch costs one fsync, not one per change.
   */
  appendGrouped(records: readonly JournalRecord[]): void {
    this.throwFailed();
    if (records.length === 0 || this.stopped) return;
    this.pending += this.serialise(records);
    this.pendingRecords.push(...records);
    this.commitScheduled ??= setImmediate(() => {
      this.commitScheduled = undefined;
      try {
        this.flush();
      } catch (error) {
        // Nobody waits on a background commit: the next write (or close) reports it.
        this.failed = error;
      }
    });
  }

  /** Writes the observations still waiting, now. */
  flush(): void {
    if (!this.pending) return;
    const text = this.pending;
    const written = this.pendingRecords;
    this.pending = '';
    this.pendingRecords = [];
    this.write(text, written);
  }

  subscribe(listener: (records: readonly JournalRecord[]) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    if (this.commitScheduled) clearImmediate(this.commitScheduled);
    this.commitScheduled = undefined;
    try {
      if (!this.failed) this.flush();
    } catch {
      // Closing on the way out: what could not be written is lost with the disk.
    }
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }

  private serialise(records: readonly JournalRecord[]): string {
    return records.map((record) => `${maskedJson(record, this.mask)}\n`).join('');
  }

  private write(text: string, records: readonly JournalRecord[]): void {
    writeAll(this.fd, text, this.file);
    this.commits++;
    for (const listener of this.listeners) listener(records);
  }

  private throwFailed(): void {
    if (this.failed === undefined) return;
    const error = this.failed;
    this.failed = undefined;
    throw error;
  }
}
