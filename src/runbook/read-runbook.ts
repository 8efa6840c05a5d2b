// Reads a runbook file safely: only a regular file, at most RUNBOOK_MAX_BYTES, and valid UTF-8. A
// FIFO or a device named like a runbook is refused before a single byte is read, so lint never
// waits on a pipe nobody writes or reads /dev/zero until memory runs out.
import { isUtf8 } from 'node:buffer';
import type { Stats } from 'node:fs';
import { constants, open } from 'node:fs/promises';
import { RUNBOOK_MAX_BYTES } from '../limits.js';
import type { Position } from './yaml-source.js';

export type ReadResult = { text: string } | { problem: string; at?: Position };

function notAFile(info: Stats): string {
  const kind = info.isFIFO() ? 'a named pipe (FIFO)' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : undefined;
  return `cannot read runbook: ${kind ? `is ${kind}, ` : ''}not a regular file`;
}

const LIMIT = `${RUNBOOK_MAX_BYTES / (1024 * 1024)} MB (${RUNBOOK_MAX_BYTES} bytes)`;

/** `bytes` undefined: more than the limit, as far as was read. */
export function tooBig(bytes?: number): string {
  const size = bytes === undefined ? 'it grew past the limit while being read' : `${bytes} bytes`;
  return `runbook is too big: ${size}; a runbook may be at most ${LIMIT}, so split it into smaller runbooks`;
}

function openProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENXIO':
      return 'is a socket, not a regular file';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return error.message;
  }
}

export async function readRunbookFile(file: string): Promise<ReadResult> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return { problem: `cannot read runbook: ${openProblem(error as NodeJS.ErrnoException)}` };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { problem: 'cannot read runbook: is a folder, not a runbook file' };
    if (!info.isFile()) return { problem: notAFile(info) };
    if (info.size > RUNBOOK_MAX_BYTES) return { problem: tooBig(info.size) };
    // The file may grow after the stat: read one byte past the limit to notice.
    const buffer = Buffer.alloc(RUNBOOK_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > RUNBOOK_MAX_BYTES) return { problem: tooBig() };
    }
    return decode(buffer.subarray(0, length));
  } catch (error) {
    return { problem: `cannot read runbook: ${(error as Error).message}` };
  } finally {
    await handle.close();
  }
}

/** The text, or where the first byte that is not UTF-8 sits. */
export function decode(bytes: Uint8Array): ReadResult {
  if (isUtf8(bytes)) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  const offset = firstInvalidByte(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let index = 0; index < lineStart; index++) if (bytes[index] === 0x0a) line++;
  const col = Buffer.from(bytes.subarray(lineStart, offset)).toString('utf8').length + 1;
  const hex = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
  return {
    problem: `runbook is not valid UTF-8: byte 0x${hex} at offset ${offset} is not part of a UTF-8 character; save the file as UTF-8`,
    at: { line, col },
  };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidByte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!; // index < bytes.length, checked by the loop
    if (lead < 0x80) {
      index++;
      continue;
    }
    // [length, lowest allowed second byte, highest]: this excludes overlong forms, surrogates and
    // code points past U+10FFFF, as the standard's table of well-formed sequences does.
    const form: [length: number, low: number, high: number] | undefined =
      lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
      : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
      : lead === 0xf0 ? [4, 0x90, 0xbf]
      : lead === 0xf4 ? [4, 0x80, 0x8f]
      : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
      : undefined;
    if (!form) return index;
    const [length, low, high] = form;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return index;
    }
    index += length;
  }
  return bytes.length;
}
