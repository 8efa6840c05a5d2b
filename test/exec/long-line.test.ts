// One endless line must not crash anything: a step printing 100 MB with no newline, run by the built
// CLI under its own heap cap, interrupted while that line is in its output file, then resumed.
import { existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LINE_CONTINUES } from '../../src/exec/output-file.js';
import { OUTPUT_LINE_MAX_CHARS } from '../../src/limits.js';
import { CLI, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';
import { allFiles, onlyRun } from '../helpers/state.js';

const BYTES = 100_000_000;

/** The CLI itself, so its shebang's heap cap applies. Its output goes straight to a file (as to a
 * terminal, writes are synchronous), not through a pipe into this test. */
function cli(args: string[], env: Record<string, string>, stdoutFile: string) {
  const child = spawn(CLI, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', openSync(stdoutFile, 'w'), 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(0, 2000)));
  const done = new Promise<{ exitCode: number | null; stderr: string }>((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stderr })));
  return { kill: (signal: NodeJS.Signals) => child.kill(signal), done };
}

function peakRssMb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

describe('one 100 MB line with no newline', () => {
  it('is split and marked by the supervisor; the run, and a resume that replays it, end normally under the heap cap', async () => {
    const dir = tempDir('patchwalk-long-line-');
    const stateDir = join(dir, 'state');
    const file = writeRunbook(
      dir,
      'long.yaml',
      `runbook: 1
title: Long line
steps:
  - id: flood
    title: One endless line
    run: "head -c ${BYTES} /dev/zero | tr '\\\\0' a; sleep 2; echo; echo after"
`,
    );
    const env = { NO_COLOR: '1', PATCHWALK_STATE_DIR: stateDir };
    const first = cli(['run', file, '--plain'], env, join(dir, 'first.txt'));
    const out = () => allFiles(join(stateDir, 'runs')).find((path) => path.endsWith('.out'));
    const pidFile = () => allFiles(join(stateDir, 'runs')).find((path) => path.endsWith('.pid'));
    expect(await waitFor(() => existsSync(join(stateDir, 'runs')) && Boolean(pidFile()), 20_000)).toBe(true);
    const supervisor = JSON.parse(readFileSync(pidFile()!, 'utf8')).supervisor as number;
    let supervisorPeak = 0;
    // The whole line is in the file; the command is still sleeping when patchwalk goes.
    await waitFor(() => {
      supervisorPeak = Math.max(supervisorPeak, peakRssMb(supervisor));
      return Boolean(out()) && statSync(out()!).size >= BYTES;
    }, 60_000);
    first.kill('SIGHUP');
    const firstResult = await first.done;
    expect(firstResult.exitCode, firstResult.stderr).toBe(130);
    expect(supervisorPeak).toBeLessThan(200);

    const { id } = onlyRun(stateDir);
    const resumed = await cli(['resume', id, '--plain'], env, join(dir, 'resumed.txt')).done;
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const shown = readFileSync(join(dir, 'resumed.txt'), 'utf8');
    expect(shown).toContain(`a${LINE_CONTINUES}\n`);
    expect(shown).toContain('after');

    const records = readFileSync(out()!, 'utf8').split('\n');
    expect(Math.max(...records.map((record) => record.length))).toBe(2 + OUTPUT_LINE_MAX_CHARS + LINE_CONTINUES.length);
    expect(records.filter((record) => record.endsWith(LINE_CONTINUES))).toHaveLength(Math.ceil(BYTES / OUTPUT_LINE_MAX_CHARS) - 1);
    expect(records.slice(-3)).toEqual([`O ${'a'.repeat(BYTES % OUTPUT_LINE_MAX_CHARS)}`, 'O after', '']);
  }, 120_000);
});
