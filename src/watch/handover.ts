// Handing a run over between sessions. The one taking over (`resume --take-over --reason`) writes
// a handover record and waits for the driver to let go; the driver's session sees the record
// (fs.watch and a poll, and a check before every effect), journals that it stopped, releases the
// lock and writes nothing more. Its console then only watches.
import { hostname } from 'node:os';
import { statSync } from 'node:fs';
import { pidAlive } from '../exec/pid-alive.js';
import type { Operator } from '../journal/operator.js';
import type { JournalRecord, RecordOf } from '../journal/records.js';
import { HANDOVER_POLL_MS, HANDOVER_WAIT_MS, JOURNAL_RECORD_MAX_BYTES, WATCH_POLL_MS } from '../limits.js';
import { FileTail } from './file-tail.js';
import { closeSync } from 'node:fs';
import { openForWrite, writeAll } from '../journal/state-io.js';

function parse(line: string): JournalRecord | undefined {
  try {
    const record = JSON.parse(line) as JournalRecord;
    return record && typeof record === 'object' && typeof record.type === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** The driver's side: notices a handover record naming this process as the one it is taken from. */
export class HandoverDetector {
  private readonly tail: FileTail;
  found: RecordOf<'handover'> | undefined;
  /** Journal offset just past the handover record: where a watcher of the rest begins. */
  offset = 0;
  /** Someone already resumed after the handover (the driver answered too late): write nothing more. */
  resumedAfter = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    journalFile: string,
    private readonly me: { pid: number; hostname: string } = { pid: process.pid, hostname: hostname() },
  ) {
    let size = 0;
    try {
      size = statSync(journalFile).size;
    } catch {
      // A new run's journal: read from its start.
    }
    this.tail = new FileTail(journalFile, JOURNAL_RECORD_MAX_BYTES, size);
  }

  /** Reads what the journal gained; true once a handover from this process is there. */
  check(): boolean {
    if (this.found && this.resumedAfter) return true;
    this.tail.read((line) => {
      // The driver's own records go by here too: only a line naming a handover or a resume is parsed.
      if (!line.includes('"handover"') && !(this.found && line.includes('"resume"'))) return;
      const record = parse(line);
      if (!record) return;
      if (this.found) {
        if (record.type === 'resume') this.resumedAfter = true;
        return;
      }
      if (record.type === 'handover' && record.from.pid === this.me.pid && record.from.hostname === this.me.hostname) {
        this.found = record;
        this.offset = this.tail.offset;
      }
    });
    return this.found !== undefined;
  }

  /** Calls `onFound` once, as soon as the handover record is written. */
  watch(onFound: (record: RecordOf<'handover'>) => void): void {
    const look = () => {
      if (this.found || !this.check() || !this.found) return;
      this.stop();
      onFound(this.found);
    };
    // A poll, not fs.watch: the driver's own appends would wake it on every record.
    this.timer = setInterval(look, WATCH_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The taking-over side: after writing the handover record, waits until the driver has journaled
 * that it stopped (an `interrupted` record), or its process is gone. False when it did not let go
 * in time: the run is then taken over anyway, and the driver, once it looks, writes nothing more.
 */
export async function waitForLetGo(journalFile: string, from: number, driver: Operator, waitMs = HANDOVER_WAIT_MS): Promise<boolean> {
  const tail = new FileTail(journalFile, JOURNAL_RECORD_MAX_BYTES, from);
  const deadline = Date.now() + waitMs;
  let done = false;
  for (;;) {
    tail.read((line) => {
      const record = parse(line);
      if (record?.type === 'interrupted' || record?.type === 'run-end') done = true;
    });
    if (done) return true;
    if (driver.hostname === hostname() && !pidAlive(driver.pid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, HANDOVER_POLL_MS));
  }
}

/**
 * Appends the handover record while the driver may still be writing: one O_APPEND write of one
 * whole line, without the JournalWriter's repair of a last line missing its newline, which would
 * cut into a record the driver is writing at that moment.
 */
export function appendHandover(journalFile: string, record: RecordOf<'handover'>): void {
  const fd = openForWrite(journalFile, 'a');
  try {
    writeAll(fd, `${JSON.stringify(record)}\n`, journalFile);
  } finally {
    closeSync(fd);
  }
}
