// A step's output file: one line per output line, `O ` for stdout and `E ` for stderr, in the
// order the lines arrived. `cut -c3-` gives the plain text back.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { withoutWrapperMarker } from './ssh-transport.js';
import type { Stream } from './exec-request.js';

export function encodeLine(stream: Stream, line: string): string {
  return `${stream === 'stderr' ? 'E' : 'O'} ${line}\n`;
}

export function decodeLine(raw: string): { stream: Stream; line: string } {
  if (raw.startsWith('E ')) return { stream: 'stderr', line: raw.slice(2) };
  if (raw.startsWith('O ')) return { stream: 'stdout', line: raw.slice(2) };
  return { stream: 'stdout', line: raw };
}

/** Splits what has arrived into whole lines, keeping an unfinished last line for later. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }
  flush(): string[] {
    const rest = this.rest;
    this.rest = '';
    return rest ? [rest] : [];
  }
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

/** Size, hash and line count, read in chunks so a large output never stalls the console. */
export async function summarizeOutput(file: string): Promise<OutputSummary> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  if (existsSync(file)) {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    }
  }
  return { bytes, sha256: hash.digest('hex'), lines };
}

/** The last `count` lines of an output file, decoded. */
export function tailOutput(file: string, count: number): { stream: Stream; line: string }[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines
    .map(decodeLine)
    .flatMap((entry) => {
      const line = entry.stream === 'stderr' ? withoutWrapperMarker(entry.line) : entry.line;
      return line === undefined ? [] : [{ ...entry, line }];
    })
    .slice(-count);
}
