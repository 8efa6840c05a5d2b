// Every output line of a run, kept in a file; the newest lines also stay in memory. A view asks for
// any window of lines by number: the tail comes from memory, older lines are read back from disk.
// Memory stays bounded however much a command prints.
import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { fileModeIn, fixFileMode } from '../journal/state-io.js';
import { dirname } from 'node:path';
import { OUTPUT_FLUSH_BYTES, OUTPUT_RING_LINES, OUTPUT_SEARCH_BLOCK_LINES, OUTPUT_VIEW_LINE_CHARS } from '../limits.js';

export type LineKind = 'stdout' | 'stderr' | 'info';

export interface OutputLine {
  kind: LineKind;
  text: string;
}

const KIND_MARK: Record<LineKind, string> = { stdout: 'O', stderr: 'E', info: 'I' };
const MARK_KIND: Record<string, LineKind> = { O: 'stdout', E: 'stderr', I: 'info' };

export class OutputLog {
  private readonly fd: number;
  private readonly ring: OutputLine[] = new Array(OUTPUT_RING_LINES);
  private count = 0;
  /** Byte offset where each line starts in the file; grows by doubling. */
  private offsets = new Float64Array(1024);
  private written = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const mode = fileModeIn(dirname(path));
    this.fd = openSync(path, 'w+', mode);
    fixFileMode(this.fd, mode);
  }

  get length(): number {
    return this.count;
  }

  append(kind: LineKind, full: string): void {
    if (this.closed) return;
    // A copy, not a slice: a slice would keep the whole long line alive in the ring.
    const text = full.length > OUTPUT_VIEW_LINE_CHARS ? Buffer.from(`${full.slice(0, OUTPUT_VIEW_LINE_CHARS)}…`, 'utf16le').toString('utf16le') : full;
    const record = `${KIND_MARK[kind]}${text.replaceAll('\n', ' ')}\n`;
    if (this.count === this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.count] = this.written + this.pendingBytes;
    this.ring[this.count % OUTPUT_RING_LINES] = { kind, text };
    this.count++;
    this.pending.push(record);
    this.pendingBytes += Buffer.byteLength(record);
    if (this.pendingBytes >= OUTPUT_FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this.closed) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.written += writeSync(this.fd, chunk, this.written);
  }

  /** Lines from..from+count, clipped to what exists. */
  lines(from: number, count: number): OutputLine[] {
    const start = Math.max(0, from);
    const end = Math.min(this.count, start + count);
    if (end <= start) return [];
    if (start >= this.count - OUTPUT_RING_LINES) {
      const result: OutputLine[] = [];
      for (let index = start; index < end; index++) {
        const line = this.ring[index % OUTPUT_RING_LINES];
        if (line) result.push(line);
      }
      return result;
    }
    return this.readBack(start, end);
  }

  private readBack(start: number, end: number): OutputLine[] {
    this.flush();
    const from = this.offsets[start] ?? this.written;
    const to = (end < this.count ? this.offsets[end] : undefined) ?? this.written;
    const buffer = Buffer.alloc(to - from);
    readSync(this.fd, buffer, 0, buffer.length, from);
    return buffer
      .toString('utf8')
      .split('\n')
      .slice(0, end - start)
      .map((record) => ({ kind: MARK_KIND[record.charAt(0)] ?? 'stdout', text: record.slice(1) }));
  }

  /** The nearest line before `before` that contains `term` (case-insensitive), or -1. */
  searchBackward(term: string, before: number): number {
    const needle = term.toLowerCase();
    for (let end = Math.min(before, this.count); end > 0; end -= OUTPUT_SEARCH_BLOCK_LINES) {
      const start = Math.max(0, end - OUTPUT_SEARCH_BLOCK_LINES);
      const block = this.lines(start, end - start);
      for (let index = block.length - 1; index >= 0; index--) {
        if (block[index]?.text.toLowerCase().includes(needle)) return start + index;
      }
    }
    return -1;
  }

  /** The nearest line after `after` that contains `term`, or -1. */
  searchForward(term: string, after: number): number {
    const needle = term.toLowerCase();
    for (let start = Math.max(0, after + 1); start < this.count; start += OUTPUT_SEARCH_BLOCK_LINES) {
      const block = this.lines(start, OUTPUT_SEARCH_BLOCK_LINES);
      const index = block.findIndex((line) => line.text.toLowerCase().includes(needle));
      if (index >= 0) return start + index;
    }
    return -1;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
