import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argvFor, runCommand, type Stream } from '../../src/exec/run-command.js';
import { isRunning, waitFor } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'patchwalk-exec-'));

function collect() {
  const lines: { stream: Stream; line: string; at: number }[] = [];
  return { lines, onLine: (stream: Stream, line: string) => lines.push({ stream, line, at: Date.now() }) };
}

describe('runCommand', () => {
  it('streams each line as it is printed, not after the command exits', async () => {
    const { lines, onLine } = collect();
    const started = Date.now();
    const result = await runCommand({ command: { shell: 'echo first; sleep 1; echo second' }, onLine });
    expect(lines.map((entry) => entry.line)).toEqual(['first', 'second']);
    expect(lines[0].at - started).toBeLessThan(result.durationMs - 500);
  });

  it('keeps stdout and stderr apart and reports the exit code', async () => {
    const { lines, onLine } = collect();
    const result = await runCommand({ command: { shell: 'echo out; echo err >&2; exit 7' }, onLine });
    expect(lines.map((entry) => `${entry.stream}:${entry.line}`).sort()).toEqual(['stderr:err', 'stdout:out']);
    expect(result).toMatchObject({ exitCode: 7, timedOut: false, aborted: false });
  });

  it('captures stdout when asked', async () => {
    const result = await runCommand({ command: { argv: ['printf', 'a\\nb\\n'] }, capture: true, onLine: () => {} });
    expect(result.stdout).toBe('a\nb');
  });

  it('says plainly when a command cannot be found', async () => {
    const result = await runCommand({ command: { argv: ['patchwalk-no-such-command'] }, onLine: () => {} });
    expect(result.error).toBe('cannot run patchwalk-no-such-command: command not found');
  });

  it('a timeout ends the whole process tree, grandchildren included', async () => {
    const pidFile = join(dir, 'timeout.pid');
    const result = await runCommand({
      command: { shell: `sh -c 'sleep 300 & echo $! > ${pidFile}; wait' ; echo never` },
      timeoutMs: 700,
      onLine: () => {},
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !isRunning(grandchild))).toBe(true);
  });

  it('an abort (Ctrl-C) ends the whole process tree too', async () => {
    const pidFile = join(dir, 'abort.pid');
    const controller = new AbortController();
    const running = runCommand({ command: { shell: `sleep 300 & echo $! > ${pidFile}; wait` }, signal: controller.signal, onLine: () => {} });
    await waitFor(() => {
      try {
        return readFileSync(pidFile, 'utf8').trim() !== '';
      } catch {
        return false;
      }
    });
    controller.abort();
    const result = await running;
    expect(result.aborted).toBe(true);
    expect(await waitFor(() => !isRunning(Number(readFileSync(pidFile, 'utf8'))))).toBe(true);
  });

  it('sends host commands through ssh as one quoted string', () => {
    expect(argvFor({ argv: ['virsh', 'shutdown', 'web 01'] }, 'root@kvm01')).toEqual(['ssh', '-o', 'BatchMode=yes', '--', 'root@kvm01', "virsh shutdown 'web 01'"]);
    expect(argvFor({ shell: 'apt list --upgradable' })).toEqual(['/bin/sh', '-c', 'apt list --upgradable']);
  });
});
