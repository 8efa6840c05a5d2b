// What a resumed run had printed before it was left: each earlier command's heading and output,
// read back from its output file, so the console opens on the live tail with all of it above,
// reached by scrolling back rather than replayed past the operator.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { stepHeading } from '../display/step-text.js';
import { printable } from '../display/printable.js';
import type { RunState } from '../engine/types.js';
import { decodeLine, LineSplitter, RECORD_MAX_CHARS } from '../exec/output-file.js';
import type { JournalRecord } from '../journal/records.js';
import type { LineKind } from './output-log.js';

const BLOCK_BYTES = 64 * 1024;

/**
 * Hands each earlier line to `append`, file by file in blocks: memory stays bounded whatever the
 * commands printed. `skip` is the command about to be re-attached to, whose output comes anyway.
 */
export function replayEarlierOutput(dir: string, records: readonly JournalRecord[], state: RunState, skip: number | undefined, append: (kind: LineKind, text: string) => void): void {
  let lastStep: string | undefined;
  const heading = (stepId: string) => {
    if (stepId === lastStep) return;
    lastStep = stepId;
    const index = state.steps.findIndex((step) => step.id === stepId);
    append('info', index >= 0 ? stepHeading(state, index) : `── ${printable(stepId)}`);
  };
  for (const record of records) {
    if (record.type !== 'exec-start') continue;
    heading(record.step);
    append('info', `  $ ${printable(record.command.split('\n')[0] ?? '')}`);
    if (record.effect === skip) continue;
    const file = join(dir, record.output);
    if (!existsSync(file)) continue;
    const fd = openSync(file, 'r');
    try {
      const decoder = new StringDecoder('utf8');
      const splitter = new LineSplitter(RECORD_MAX_CHARS);
      const buffer = Buffer.alloc(BLOCK_BYTES);
      const emit = (raw: string) => {
        const { stream, line } = decodeLine(raw);
        append(stream, line);
      };
      for (let offset = 0; ; ) {
        const count = readSync(fd, buffer, 0, buffer.length, offset);
        if (count === 0) break;
        offset += count;
        splitter.push(decoder.write(buffer.subarray(0, count)), emit);
      }
      splitter.flush(emit);
    } finally {
      closeSync(fd);
    }
  }
  // The step it goes on with, when that step has not printed yet.
  const current = state.phase === 'steps' ? state.steps[state.cursor] : undefined;
  if (current) heading(current.id);
}
