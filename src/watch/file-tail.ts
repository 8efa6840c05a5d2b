// Reads what a file gained since the last read: only appended bytes, whole lines only, so a
// watcher's cost grows with the change, never with the file. A line still being written waits for
// its newline; a line longer than `maxLineBytes` is dropped whole (nothing patchwalk writes is).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { WATCH_READ_CHUNK_BYTES } from '../limits.js';

export class FileTail {
  /** Bytes consumed: everything before this offset has been handed out as lines. */
  offset: number;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private dropping = false;

  constructor(
    readonly path: string,
    private readonly maxLineBytes: number,
    from = 0,
  ) {
    this.offset = from;
  }

  /** Reads every whole line appended since the last call (up to `maxBytes`), in order. */
  read(onLine: (line: string) => void, maxBytes = Number.POSITIVE_INFINITY): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false; // Not there yet: a command whose supervisor has not started writing.
    }
    let more = false;
    try {
      const size = fstatSync(fd).size;
      // A file shorter than what was read was replaced: nothing patchwalk writes shrinks, so stop.
      if (size < this.offset + this.partialBytes) return false;
      let position = this.offset + this.partialBytes;
      const buffer = Buffer.alloc(Math.min(WATCH_READ_CHUNK_BYTES, Math.max(1, size - position)));
      let budget = maxBytes;
      while (position < size && budget > 0) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - position), position);
        if (read === 0) break;
        position += read;
        budget -= read;
        this.feed(buffer.subarray(0, read), onLine);
      }
      more = position < size;
    } finally {
      closeSync(fd);
    }
    return more;
  }

  private feed(chunk: Buffer, onLine: (line: string) => void): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      const whole = this.partial.length ? Buffer.concat([...this.partial, piece]) : piece;
      const length = this.partialBytes + piece.length + 1;
      const dropped = this.dropping;
      this.partial = [];
      this.partialBytes = 0;
      this.dropping = false;
      this.offset += length;
      if (!dropped) onLine(whole.toString('utf8'));
      start = newline + 1;
    }
    if (start < chunk.length) {
      const piece = chunk.subarray(start);
      this.partialBytes += piece.length;
      if (this.partialBytes > this.maxLineBytes) this.dropping = true;
      if (this.dropping) this.partial = [];
      else this.partial.push(Buffer.from(piece));
    }
  }
}
