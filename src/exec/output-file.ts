// A step's output file: one line per output line, `O ` for stdout and `E ` for stderr, in the
// order the lines arrived. `cut -c3-` gives the plain text back. A line longer than
// OUTPUT_LINE_MAX_CHARS is written as pieces, each but the last ending in LINE_CONTINUES.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { OUTPUT_LINE_MAX_CHARS, REPORT_TAIL_MAX_BYTES, SUMMARY_CHUNK_BYTES } from '../limits.js';
import type { Stream } from './exec-request.js';
import { withoutWrapperMarker } from './ssh-transport.js';

/** Ends each piece of a split line but the last. */
export const LINE_CONTINUES = '…[line continues]';
/** The longest record a supervisor writes: prefix, a full piece and the marker. */
export const RECORD_MAX_CHARS = 2 + OUTPUT_LINE_MAX_CHARS + LINE_CONTINUES.length;

export function encodeLine(stream: Stream, line: string): string {
  return `${stream === 'stderr' ? 'E' : 'O'} ${line}\n`;
}

export function decodeLine(raw: string): { stream: Stream; line: string } {
  if (raw.startsWith('E ')) return { stream: 'stderr', line: raw.slice(2) };
  if (raw.startsWith('O ')) return { stream: 'stdout', line: raw.slice(2) };
  return { stream: 'stdout', line: raw };
}

/** Where a split may fall at or before `at`, e.g. not inside a secret that the piece would unmask. */
export type CutRule = (text: string, at: number) => number;

/**
 * Splits what has arrived into whole lines, keeping an unfinished last line for later. A line
 * longer than `maxChars` comes out in pieces (continues = true on all but the last), so memory
 * stays bounded whatever arrives. `lookahead` characters past a cut are waited for before it is
 * made, so the cut rule sees enough to judge it.
 */
export class LineSplitter {
  private rest = '';

  constructor(
    private readonly maxChars = OUTPUT_LINE_MAX_CHARS,
    private readonly cutRule?: CutRule,
    private readonly lookahead = 0,
  ) {}

  push(chunk: string, emit: (line: string, continues: boolean) => void): void {
    const lines = (this.rest + chunk).split('\n');
    let rest = lines.pop() ?? '';
    for (const line of lines) {
      const whole = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (whole.length <= this.maxChars) emit(whole, false);
      else emit(this.cutPieces(whole, 0, emit), false);
    }
    if (rest.length > this.maxChars + this.lookahead) rest = this.cutPieces(rest, this.lookahead, emit);
    this.rest = rest;
  }

  flush(emit: (line: string, continues: boolean) => void): void {
    let rest = this.rest;
    this.rest = '';
    if (rest.length > this.maxChars) rest = this.cutPieces(rest, 0, emit);
    if (rest) emit(rest, false);
  }

  /** Emits full pieces while more than a piece (plus the lookahead) is left; returns the remainder. */
  private cutPieces(text: string, lookahead: number, emit: (line: string, continues: boolean) => void): string {
    let from = 0;
    while (text.length - from > this.maxChars + lookahead) {
      let cut = from + this.maxChars;
      if (this.cutRule) cut = Math.max(from + 1, this.cutRule(text, cut));
      // Never between the two halves of a surrogate pair.
      const code = text.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff && cut - 1 > from) cut--;
      emit(text.slice(from, cut), true);
      from = cut;
    }
    return text.slice(from);
  }
}

/** A cut rule that moves a cut to before any occurrence of a secret that would straddle it. */
export function cutOutsideSecrets(secrets: readonly string[]): CutRule {
  const long = secrets.filter((secret) => secret.length > 1);
  return (text, at) => {
    let cut = at;
    for (let moved = true; moved; ) {
      moved = false;
      for (const secret of long) {
        const found = text.indexOf(secret, Math.max(0, cut - secret.length + 1));
        if (found !== -1 && found < cut && found + secret.length > cut) {
          cut = found;
          moved = true;
        }
      }
    }
    return cut;
  };
}

/** Replaces every secret value with the mask. */
export function maskText(text: string, secrets: readonly string[], mask: string): string {
  let masked = text;
  for (const secret of secrets) if (secret) masked = masked.split(secret).join(mask);
  return masked;
}

export interface OutputSummary {
  bytes: number;
  sha256: string;
  lines: number;
}

/**
 * Size, hash and line count, read in chunks so a large output never stalls the console. One buffer
 * serves every chunk: a fresh one per chunk made a long output's whole size in external memory within
 * a second, and V8 answered with a full, non-incremental collection just as the step ended.
 */
export async function summarizeOutput(file: string): Promise<OutputSummary> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  if (existsSync(file)) {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(SUMMARY_CHUNK_BYTES);
      for (let read = 0; (read = (await handle.read(buffer, 0, buffer.length, null)).bytesRead) > 0; ) {
        const chunk = buffer.subarray(0, read);
        hash.update(chunk);
        bytes += read;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      }
    } finally {
      await handle.close();
    }
  }
  return { bytes, sha256: hash.digest('hex'), lines };
}

/**
 * The last `count` lines of an output file, decoded, read from the end: at most `maxBytes` are
 * read, whatever the file's size. A line that starts before that stretch shows as its end, after "…".
 */
export function tailOutput(file: string, count: number, maxBytes = REPORT_TAIL_MAX_BYTES): { stream: Stream; line: string }[] {
  if (!existsSync(file)) return [];
  const fd = openSync(file, 'r');
  let text: string;
  let fromStart: boolean;
  try {
    const size = fstatSync(fd).size;
    const block = 64 * 1024;
    const chunks: Buffer[] = [];
    let position = size;
    let newlines = 0;
    // Back from the end, block by block, until the tail's lines (and the newline before them) are in.
    while (position > 0 && size - position < maxBytes && newlines <= count) {
      const length = Math.min(block, position, maxBytes - (size - position));
      position -= length;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, position);
      chunks.unshift(buffer);
      for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) newlines++;
    }
    text = Buffer.concat(chunks).toString('utf8');
    fromStart = position === 0;
  } finally {
    closeSync(fd);
  }
  const records = text.split('\n');
  if (records.at(-1) === '') records.pop();
  // The first record is cut unless the read began at the file's start.
  const partial = fromStart ? undefined : records.shift();
  const entries = records.map(decodeLine);
  if (partial && entries.length < count) entries.unshift({ stream: 'stdout', line: `…${partial}` });
  return entries
    .flatMap((entry) => {
      const line = entry.stream === 'stderr' ? withoutWrapperMarker(entry.line) : entry.line;
      return line === undefined ? [] : [{ ...entry, line }];
    })
    .slice(-count);
}
