// `on: host` steps against a real sshd on 127.0.0.1, through the detached runner production uses: streaming, exit codes, a timeout that ends the
// remote process, and a dropped connection reported as such.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stream } from '../../src/exec/exec-request.js';
import { SshTransport } from '../../src/exec/ssh-transport.js';
import { readPids } from '../../src/exec/detached.js';
import { renderCommand } from '../../src/runbook/template.js';
import { collect, commandFiles, environOf, processesShowing, run } from '../helpers/detached.js';
import { isRunning, waitFor } from '../helpers/processes.js';
import { integrationRequired, sshdUnavailable, startSshd, type TestSshd } from '../helpers/sshd.js';

const unavailable = sshdUnavailable();
if (unavailable && !integrationRequired()) console.warn(`ssh integration tests skipped: ${unavailable}`);

describe.skipIf(Boolean(unavailable) && !integrationRequired())('on: host over a real sshd', () => {
  let sshd: TestSshd;
  let transport: SshTransport;

  beforeAll(async () => {
    if (unavailable) throw new Error(`sshd integration required but unavailable: ${unavailable}`);
    sshd = await startSshd();
    transport = new SshTransport(sshd.destination, { extraArgs: ['-F', sshd.configFile] });
  });
  afterAll(async () => {
    await transport?.close();
    sshd?.stop();
  });

  it('streams remote output line by line as it is printed', async () => {
    // The command goes on only once the test has seen its first line: streaming, shown by events.
    const go = join(sshd.dir, 'stream-go');
    const { lines, onLine } = collect();
    const seen = (stream: Stream, line: string) => {
      onLine(stream, line);
      if (line === 'first') writeFileSync(go, '');
    };
    const result = await run({ command: { shell: `echo first; while [ ! -e ${go} ]; do sleep 0.05; done; echo second >&2` }, ssh: sshd.destination, transport, onLine: seen });
    expect(lines.map((entry) => `${entry.stream}:${entry.line}`)).toEqual(['stdout:first', 'stderr:second']);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.connectionLost).toBeUndefined();
  });

  it('reports the remote exit code, even 255, as the command’s own', async () => {
    const seven = await run({ command: { shell: 'exit 7' }, ssh: sshd.destination, transport, onLine: () => {} });
    expect(seven).toMatchObject({ exitCode: 7 });
    const own255 = await run({ command: { shell: 'echo bye; exit 255' }, ssh: sshd.destination, transport, onLine: () => {} });
    expect(own255).toMatchObject({ exitCode: 255 });
    expect(own255.connectionLost).toBeUndefined();
  });

  it('keeps an argv word by word on the remote side; a hostile value is just text', async () => {
    const result = await run({
      command: { argv: ['printf', '%s|', 'evil;$(touch pwned)', "o'brien"] },
      ssh: sshd.destination,
      transport,
      capture: true,
      onLine: () => {},
    });
    expect(result.stdout).toBe("evil;$(touch pwned)|o'brien|");
  });

  it('uses one multiplexed connection for the whole run', async () => {
    await run({ command: { shell: 'true' }, ssh: sshd.destination, transport, onLine: () => {} });
    expect(await transport.alive()).toBe(true);
  });

  it('a timeout ends the remote process, not just the local ssh', async () => {
    const pidFile = join(sshd.dir, 'remote-timeout.pid');
    const result = await run({
      command: { shell: `sleep 300 & echo $! > ${pidFile}; wait` },
      ssh: sshd.destination,
      transport,
      timeoutMs: 1500,
      onLine: () => {},
    });
    expect(result.timedOut).toBe(true);
    const remotePid = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !isRunning(remotePid))).toBe(true);
  });

  it('an abort ends the remote process too', async () => {
    const pidFile = join(sshd.dir, 'remote-abort.pid');
    const controller = new AbortController();
    const running = run({ command: { shell: `sleep 300 & echo $! > ${pidFile}; wait` }, ssh: sshd.destination, transport, signal: controller.signal, onLine: () => {} });
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

  it('a dropped connection is reported as lost, not as a command failure', async () => {
    // The remote command kills the sshd process that carries its connection (the parent of the
    // wrapper shell): the link goes while the command is still running.
    const own = new SshTransport(sshd.destination, { extraArgs: ['-F', sshd.configFile] });
    const result = await run({
      command: { shell: "echo working; sleep 0.3; kill -9 $(awk '{print $4}' /proc/$PPID/stat); sleep 5" },
      ssh: sshd.destination,
      transport: own,
      timeoutMs: 10_000,
      onLine: () => {},
    });
    await own.close();
    expect(result.connectionLost).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.error).toMatch(/^lost the ssh connection to 127\.0\.0\.1/);
  });

  it('secrets and env: reach the remote command through the session’s stdin, never an argv or the supervisor’s environment', async () => {
    const secret = `pw-${randomBytes(6).toString('hex')} it's`;
    const got = join(sshd.dir, 'secret-got');
    const go = join(sshd.dir, 'secret-go');
    const command = renderCommand(
      `printf '%s|%s' {{ pw }} "$PGPASSWORD" > ${got}; sh -c 'while [ ! -e ${go} ]; do sleep 0.05; done'`,
      (path) => (path[0] === 'pw' ? secret : undefined),
      { secret: (path) => path[0] === 'pw', env: { PGPASSWORD: '{{ pw }}' } },
    );
    const files = commandFiles();
    const running = run({ command, files, ssh: sshd.destination, transport, secrets: [secret] });
    expect(await waitFor(() => existsSync(got), 10_000)).toBe(true);
    expect(processesShowing(secret)).toEqual([]);
    expect(environOf(readPids(files)?.supervisor ?? 0)).not.toContain(secret);
    writeFileSync(go, '');
    expect(await running).toMatchObject({ exitCode: 0 });
    expect(readFileSync(got, 'utf8')).toBe(`${secret}|${secret}`);
  });

  it('a host that cannot be reached is reported as a connection failure', async () => {
    const nowhere = new SshTransport(`nobody@127.0.0.1`, { extraArgs: ['-F', sshd.configFile, '-p', '1'] });
    const result = await run({ command: { shell: 'true' }, ssh: 'nobody@127.0.0.1', transport: nowhere, onLine: () => {} });
    await nowhere.close();
    expect(result.connectionLost).toBe(true);
    expect(result.error).toMatch(/^cannot connect to 127\.0\.0\.1 over ssh/);
  });
});
