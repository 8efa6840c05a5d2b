import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argvFor, claimNotStarted, readPids, runDetached, standing } from '../../src/exec/detached.js';
import type { Stream } from '../../src/exec/exec-request.js';
import { collect, commandFiles as files } from '../helpers/detached.js';
import { isRunning, waitFor } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'patchwalk-detached-'));

const fileWith = (path: string) => () => existsSync(path) && readFileSync(path, 'utf8').trim() !== '';

describe('runDetached', () => {
  it('streams each line as it is printed, and keeps stdout and stderr apart in the output file', async () => {
    // The command goes on only once the follower has delivered its first line: streaming, shown by events.
    const go = join(dir, 'stream-go');
    const { lines, onLine } = collect();
    const seen = (stream: Stream, line: string) => {
      onLine(stream, line);
      if (line === 'first') writeFileSync(go, '');
    };
    const f = files();
    const result = await runDetached({ command: { shell: `echo first; echo oops >&2; while [ ! -e ${go} ]; do sleep 0.05; done; echo second; exit 7` }, files: f, onLine: seen });
    expect(lines.map((entry) => `${entry.stream}:${entry.line}`)).toEqual(['stdout:first', 'stderr:oops', 'stdout:second']);
    expect(result).toMatchObject({ exitCode: 7, timedOut: false, aborted: false });
    expect(readFileSync(f.outFile, 'utf8')).toBe('O first\nE oops\nO second\n');
    expect(JSON.parse(readFileSync(f.statusFile, 'utf8'))).toMatchObject({ exitCode: 7 });
  });

  it('captures stdout, masks secrets in the output file, and says when a command cannot be found', async () => {
    const f = files();
    const result = await runDetached({ command: { argv: ['printf', 'a\\nhunter2\\n'] }, capture: true, secrets: ['hunter2'], files: f, onLine: () => {} });
    expect(result.stdout).toBe('a\n********');
    expect(readFileSync(f.outFile, 'utf8')).not.toContain('hunter2');
    const missing = await runDetached({ command: { argv: ['patchwalk-no-such-command'] }, files: files(), onLine: () => {} });
    expect(missing.error).toBe('cannot run patchwalk-no-such-command: command not found');
  });

  it('a timeout ends the whole process tree, grandchildren included', async () => {
    const pidFile = join(dir, 'timeout.pid');
    const result = await runDetached({
      command: { shell: `sh -c 'sleep 300 & echo $! > ${pidFile}; wait' ; echo never` },
      timeoutMs: 700,
      files: files(),
      onLine: () => {},
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(await waitFor(() => !isRunning(Number(readFileSync(pidFile, 'utf8'))))).toBe(true);
  });

  it('an abort ends the supervisor and the whole process tree', async () => {
    const pidFile = join(dir, 'abort.pid');
    const f = files();
    const controller = new AbortController();
    const running = runDetached({ command: { shell: `sleep 300 & echo $! > ${pidFile}; wait` }, signal: controller.signal, files: f, onLine: () => {} });
    await waitFor(fileWith(pidFile));
    const supervisor = readPids(f)?.supervisor ?? 0;
    controller.abort();
    const result = await running;
    expect(result.aborted).toBe(true);
    expect(await waitFor(() => !isRunning(Number(readFileSync(pidFile, 'utf8'))))).toBe(true);
    expect(await waitFor(() => !isRunning(supervisor))).toBe(true);
  });

  it('the command outlives the follower; attaching later replays the output so far, then the live tail', async () => {
    const f = files();
    const first = collect();
    const controller = new AbortController();
    // Follow for a moment, then stop following without killing anything (as a dying patchwalk would).
    const following = runDetached({ command: { shell: 'for i in 1 2 3 4 5 6; do echo line $i; sleep 0.3; done; exit 3' }, files: f, onLine: first.onLine });
    await waitFor(() => first.lines.length >= 2);
    expect(standing(f)).toBe('running');
    const second = collect();
    const attached = await runDetached({ command: { shell: 'unused' }, files: f, attach: true, onLine: second.onLine, signal: controller.signal });
    expect(attached.exitCode).toBe(3);
    expect(second.lines.map((entry) => entry.line)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
    expect((await following).exitCode).toBe(3);
    expect(standing(f)).toBe('finished');
  });

  it('a command that was never claimed by a supervisor is claimed as not started', async () => {
    const f = files();
    expect(standing(f)).toBe('not-started');
    expect(await claimNotStarted(f, 100)).toBe(true);
    expect(standing(f)).toBe('not-started');
  });

  it('sends host commands through ssh as one quoted string', () => {
    expect(argvFor({ argv: ['virsh', 'shutdown', 'web 01'] }, 'root@kvm01')).toEqual(['ssh', '-o', 'BatchMode=yes', '--', 'root@kvm01', "virsh shutdown 'web 01'"]);
    expect(argvFor({ shell: 'apt list --upgradable' })).toEqual(['/bin/sh', '-c', 'apt list --upgradable']);
  });
});
