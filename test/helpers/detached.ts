// Runs a command the way production does (a detached supervisor and its files), in a temp folder.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDetached, type DetachedFiles, type DetachedRequest } from '../../src/exec/detached.js';
import type { Stream } from '../../src/exec/exec-request.js';

let dir: string | undefined;
let serial = 0;

export function commandFiles(): DetachedFiles {
  dir ??= mkdtempSync(join(tmpdir(), 'patchwalk-detached-'));
  const base = join(dir, `cmd-${++serial}`);
  return { outFile: `${base}.out`, statusFile: `${base}.status`, pidFile: `${base}.pid` };
}

export function run(request: Omit<DetachedRequest, 'files' | 'onLine'> & Partial<Pick<DetachedRequest, 'files' | 'onLine'>>) {
  return runDetached({ files: commandFiles(), onLine: () => {}, ...request });
}

export function collect() {
  const lines: { stream: Stream; line: string; at: number }[] = [];
  return { lines, onLine: (stream: Stream, line: string) => lines.push({ stream, line, at: Date.now() }) };
}

/** Every process whose command line holds `text`, as "pid: cmdline". */
export function processesShowing(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

export function environOf(pid: number): string {
  return readFileSync(`/proc/${pid}/environ`, 'utf8');
}
