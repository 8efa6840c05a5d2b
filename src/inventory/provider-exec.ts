// How a provider runs its tool (virsh, PowerShell, vim-cmd, qm): always an argv, locally through
// execa or on the host over the run's ssh connection. Providers take a CommandRunner, so their
// parsing and their commands are tested with recorded output instead of a real hypervisor.
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { connectionError, remoteText, type SshTransport } from '../exec/ssh-transport.js';
import { PROVIDER_COMMAND_TIMEOUT_MS, PROVIDER_OUTPUT_MAX_BYTES } from '../limits.js';
import type { Command } from '../runbook/template.js';

export interface CommandOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not finish on its own: a timeout, an abort, a lost connection, a missing tool. */
  problem?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type CommandRunner = (argv: string[], options?: RunOptions) => Promise<CommandOutput>;

/**
 * Runs the tool here. LC_ALL=C keeps its output in the English the parsers read. A plain spawn,
 * not execa: a 200-VM shutdown is 200 of these, and execa's extra work per process roughly
 * doubles patchwalk's CPU per call, which a loaded host feels as wall time.
 */
export const runLocal: CommandRunner = (argv, options = {}) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let problem: string | undefined;
    let settled = false;
    const child = spawn(file ?? '', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const stop = (why: string) => {
      problem ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timed out'), options.timeoutMs ?? PROVIDER_COMMAND_TIMEOUT_MS);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > PROVIDER_OUTPUT_MAX_BYTES) stop(`printed more than ${PROVIDER_OUTPUT_MAX_BYTES / 1048576} MiB`);
      else into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), problem });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      problem ??= error.code === 'ENOENT' ? `${file} is not installed` : error.message;
      finish(null);
    });
    child.on('close', (code) => finish(problem ? null : code));
  });

/** Runs the tool on the host over the run's multiplexed ssh connection. */
export function runOver(transport: SshTransport): CommandRunner {
  return (argv, options) => runRemote(transport, { argv }, options);
}

/** Runs one command (a shell string or an argv) on the host and collects its output. */
export async function runRemote(transport: SshTransport, command: Command, options: RunOptions = {}): Promise<CommandOutput> {
  {
    await transport.connect();
    // A reboot command's secrets ride in the session's stdin, never in ssh's argv.
    const remote = transport.session(remoteText(command), { env: command.env });
    const [file = 'ssh', ...args] = remote.argv;
    const result = await execa(file, args, {
      reject: false,
      ...(remote.stdin === undefined ? { stdin: 'ignore' as const } : { input: remote.stdin }),
      timeout: options.timeoutMs ?? PROVIDER_COMMAND_TIMEOUT_MS,
      cancelSignal: options.signal,
    });
    const stderrLines = String(result.stderr ?? '')
      .split('\n')
      .map((line) => remote.filter(line))
      .filter((line): line is string => line !== undefined);
    const stderr = stderrLines.join('\n').trim();
    // Killing the local ssh leaves the remote command running (a Stop-VM, a qm shutdown): end it there too.
    if ((result.timedOut || result.isCanceled) && remote.pgid) {
      await transport.killRemote(remote.pgid, 'TERM').catch(() => {});
      await transport.killRemote(remote.pgid, 'KILL').catch(() => {});
    }
    const lost = remote.connectionFailed(result.exitCode, stderr);
    return {
      exitCode: lost ? null : remote.commandExit(result.exitCode),
      stdout: String(result.stdout ?? ''),
      stderr,
      problem: lost
        ? connectionError(transport.destination, remote.pgid !== undefined, stderr.split('\n').pop() ?? '')
        : result.timedOut
          ? 'timed out'
          : result.isCanceled
            ? 'aborted'
            : undefined,
    };
  }
}

/** The first error line a tool printed, for messages like "virsh shutdown web01 failed: error: …". */
export function errorText(output: CommandOutput): string {
  if (output.problem) return output.problem;
  const lines = `${output.stderr}\n${output.stdout}`.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /error|fail|not found|cannot|invalid|denied|unable/i.test(line)) ?? lines[0] ?? `exit code ${output.exitCode}`;
}

export function succeeded(output: CommandOutput): boolean {
  return output.exitCode === 0 && !output.problem;
}

/** "tags: web, prod" on a line of a description, notes or annotation. */
export function tagsFromText(text: string | undefined | null): string[] {
  if (!text) return [];
  const match = /(?:^|\n)\s*tags\s*[:=]\s*([^\n]*)/i.exec(text)?.[1];
  if (match === undefined) return [];
  return match.split(/[\s,;]+/).map((tag) => tag.trim()).filter(Boolean);
}
