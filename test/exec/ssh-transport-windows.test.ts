// The Windows side of the ssh transport: the wrapper that reports the remote PowerShell's process
// id and exit code, and the taskkill that ends the command's tree after a timeout. Windows cannot
// run here, so a fake `ssh` on PATH plays the host: it prints the wrapper's pid marker and hangs,
// and records every command line it is given.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetached } from '../../src/exec/detached.js';
import { remoteKillCommand, SshTransport, windowsWrapper, withoutWrapperMarker } from '../../src/exec/ssh-transport.js';
import { runRemote } from '../../src/inventory/provider-exec.js';
import { waitFor } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'patchwalk-win-ssh-'));
const log = join(dir, 'ssh.log');
const savedPath = process.env.PATH;

/** The script inside `powershell … -EncodedCommand B64`. */
function decoded(commandLine: string): string {
  return Buffer.from(commandLine.split(' ').pop() ?? '', 'base64').toString('utf16le');
}

beforeAll(() => {
  writeFileSync(
    join(dir, 'ssh'),
    [
      '#!/bin/sh',
      'for last in "$@"; do :; done',
      `printf '%s\\n' "$last" >> '${log}'`,
      'case "$last" in',
      // The wrapper: report a pid the way PowerShell does (CR LF), then run "for ever".
      "  powershell*) printf '@%s:pgid:4242\\r\\n' \"$PW_FAKE_TOKEN\" >&2; exec sleep 30;;",
      'esac',
      'exit 0',
    ].join('\n'),
  );
  chmodSync(join(dir, 'ssh'), 0o755);
  process.env.PATH = `${dir}:${savedPath}`;
});

afterAll(() => {
  process.env.PATH = savedPath;
});

function windowsHost() {
  const transport = new SshTransport('administrator@hv01', { flavour: 'windows' });
  const token = /@(pw[0-9a-f]{8}):pgid:/.exec(decoded(transport.session('ver').argv.at(-1)!))![1];
  process.env.PW_FAKE_TOKEN = token;
  return { transport, token };
}

const logged = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

describe('Windows remote commands', () => {
  it('run under a PowerShell wrapper that reports its pid and the exit code, the command line verbatim through cmd.exe', () => {
    const { transport, token } = windowsHost();
    const command = `powershell -NoProfile -Command "Stop-VM -Name 'Büro-Server'"`;
    const session = transport.session(command);
    const line = session.argv.at(-1)!;
    expect(line).toMatch(/^powershell -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/=]+$/);
    const script = decoded(line);
    expect(script.split('\n')).toEqual([
      'try { $u = New-Object System.Text.UTF8Encoding $false; [Console]::OutputEncoding = $u; $OutputEncoding = $u } catch { }',
      "$ErrorActionPreference = 'Stop'",
      `[Console]::Error.WriteLine('@${token}:pgid:' + $PID)`,
      '$s = New-Object System.Diagnostics.ProcessStartInfo',
      "$s.FileName = $(if ($env:ComSpec) { $env:ComSpec } else { 'cmd.exe' })",
      `$s.Arguments = '/s /c "' + 'powershell -NoProfile -Command "Stop-VM -Name ''Büro-Server''"' + '"'`,
      '$s.UseShellExecute = $false',
      '$p = [System.Diagnostics.Process]::Start($s)',
      '$p.WaitForExit()',
      `[Console]::Error.WriteLine('@${token}:exit:' + $p.ExitCode)`,
      'exit $p.ExitCode',
    ]);
    // PowerShell ends its lines with CR LF; the markers are read all the same and never shown.
    expect(session.filter(`@${token}:pgid:4242\r`)).toBeUndefined();
    expect(session.filter('Stopping Büro-Server\r')).toBe('Stopping Büro-Server\r');
    expect(session.filter(`@${token}:exit:3\r`)).toBeUndefined();
    expect([session.pgid, session.commandExit(0), session.connectionFailed(255, '')]).toEqual([4242, 3, false]);
    // Read back from the output file on resume, when the session that knew the token is gone.
    expect(withoutWrapperMarker(`@${token}:exit:3\r`)).toBeUndefined();
    expect(withoutWrapperMarker(`done@${token}:pgid:4242\r`)).toBe('done');
  });

  it('a command too long for cmd.exe runs unwrapped rather than not at all', () => {
    const { transport } = windowsHost();
    const long = `echo ${'x'.repeat(4000)}`;
    expect(windowsWrapper('pw00000000', long).length).toBeGreaterThan(8191);
    const session = transport.session(long);
    expect([session.argv.at(-1), session.wrapped]).toEqual([long, false]);
  });

  it('are ended with taskkill /T /F on the remote pid; POSIX keeps its process-group kill', () => {
    expect(remoteKillCommand('windows', 4242, 'TERM')).toBe('taskkill /T /F /PID 4242');
    expect(remoteKillCommand('windows', 4242, 'KILL')).toBe('taskkill /T /F /PID 4242');
    expect(remoteKillCommand('windows', 4, 'KILL')).toBeUndefined();
    expect(remoteKillCommand('posix', 777, 'TERM')).toBe('kill -TERM -- -777 2>/dev/null || true');
    expect(remoteKillCommand('posix', 1, 'KILL')).toBeUndefined();
  });

  it('a provider command that times out (Stop-VM) is killed on the host, not only here', async () => {
    const { transport } = windowsHost();
    writeFileSync(log, '');
    const output = await runRemote(transport, { argv: ['powershell', '-NoProfile', '-Command', 'Stop-VM -Name web01'] }, { timeoutMs: 800 });
    expect(output.problem).toBe('timed out');
    expect(logged().filter((line) => line.startsWith('taskkill'))).toEqual(['taskkill /T /F /PID 4242', 'taskkill /T /F /PID 4242']);
    await transport.close();
  });

  it('an on: host step that times out is killed on the host, under the detached supervisor', async () => {
    const { transport } = windowsHost();
    writeFileSync(log, '');
    const base = join(dir, 'step');
    // runDetached opens the session over the transport itself, as production does.
    const result = await runDetached({
      command: { shell: 'powershell -NoProfile -Command "Install-WindowsUpdate -AcceptAll"' },
      ssh: 'administrator@hv01',
      transport,
      timeoutMs: 800,
      files: { outFile: `${base}.out`, statusFile: `${base}.status`, pidFile: `${base}.pid` },
      onLine: () => {},
    });
    expect(result.timedOut).toBe(true);
    expect(await waitFor(() => logged().some((line) => line === 'taskkill /T /F /PID 4242'))).toBe(true);
    await transport.close();
  });
});
