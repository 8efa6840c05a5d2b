// What a provider asked a real host and what the host answered. `patchwalk vms FILE --record DIR`
// writes it on the operator's host; the tests replay it through the same provider code, so the
// parsers are checked on output captured on real hosts, not on output written to match them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vm } from '../engine/types.js';
import { RECORDING_MAX_BYTES } from '../limits.js';
import { makeDir, writeFileDurably } from '../journal/state-io.js';
import type { CommandOutput, CommandRunner } from './provider-exec.js';
import type { Inventory } from './provider.js';

export interface RecordedCall extends CommandOutput {
  argv: string[];
}

export interface RecordingSource {
  provider: string;
  /** The runbook's inventory settings with templates expanded: what the provider was built with. */
  inventory: Inventory;
  /** The ssh destination the provider's tool ran on, when it runs over ssh. */
  destination?: string;
  recorded_at: string;
  patchwalk: string;
}

export interface Recording {
  source: RecordingSource;
  calls: RecordedCall[];
  /** What patchwalk made of the calls when they were recorded. */
  vms: Vm[];
}

export const RECORDING_FILE = 'recording.json';

/** Passes every call through and keeps its argv and answer, in order. */
export function recordingRunner(run: CommandRunner, calls: RecordedCall[]): CommandRunner {
  return async (argv, options) => {
    const output = await run(argv, options);
    calls.push({ argv: [...argv], ...output });
    return output;
  };
}

/**
 * A provider that heads the sections of a batched call with a random mark (libvirt's
 * `@@patchwalk-<hex>`) asks with a new mark each time; the replay matches any mark and answers
 * with the one asked for.
 */
const SECTION_MARK = /@@patchwalk-[0-9a-f]+/g;
const unmarked = (word: string) => word.replace(SECTION_MARK, '@@patchwalk-');

/**
 * Answers each argv with the first unused recorded call of the same argv. A call the recording does
 * not hold fails the way a missing tool does, so a provider that asks something new is noticed.
 */
export function replayRunner(calls: readonly RecordedCall[]): CommandRunner {
  const unused = [...calls];
  return async (argv) => {
    const asked = argv.map(unmarked);
    const index = unused.findIndex((call) => call.argv.length === asked.length && call.argv.every((word, i) => unmarked(word) === asked[i]));
    if (index < 0) return { exitCode: 127, stdout: '', stderr: `the recording holds no call of: ${argv.join(' ')}` };
    const [call] = unused.splice(index, 1);
    const { argv: _argv, ...output } = call!;
    const mark = argv.join(' ').match(SECTION_MARK)?.[0];
    return mark === undefined ? output : { ...output, stdout: output.stdout.replace(SECTION_MARK, mark) };
  };
}

/** Writes the recording into DIR, which must be new or empty: a capture never mixes two hosts. */
export function writeRecording(dir: string, recording: Recording): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: record into a new folder`);
  makeDir(dir);
  writeFileDurably(join(dir, RECORDING_FILE), `${JSON.stringify(recording, null, 2)}\n`);
}

export function readRecording(dir: string): Recording {
  const file = join(dir, RECORDING_FILE);
  const text = readFileSync(file, 'utf8');
  if (text.length > RECORDING_MAX_BYTES) throw new Error(`${file} is larger than ${RECORDING_MAX_BYTES / 1048576} MiB`);
  const recording = JSON.parse(text) as Partial<Recording>;
  if (!recording.source?.provider || !Array.isArray(recording.calls) || !Array.isArray(recording.vms)) {
    throw new Error(`${file} is not a patchwalk recording: it needs source.provider, calls and vms`);
  }
  return recording as Recording;
}
