// One multiplexed ssh connection per destination per run, over the system `ssh`: the user's
// ssh config, agent and known_hosts apply. A remote command runs under a small wrapper that
// reports its process group (POSIX) or its process id (Windows), so a timeout or an abort can end
// it on the remote side, and its exit code, so a dropped connection is never mistaken for the
// command's own exit code 255.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  SSH_ALIVE_COUNT_MAX,
  SSH_ALIVE_INTERVAL_S,
  SSH_CONNECT_TIMEOUT_S,
  SSH_CONTROL_PERSIST_S,
  SSH_MASTER_TIMEOUT_MS,
  SSH_REMOTE_KILL_TIMEOUT_MS,
  WINDOWS_COMMAND_LINE_MAX,
} from '../limits.js';
import { shellQuote, type Command } from '../runbook/template.js';
import { envProblem } from './exec-request.js';

/** posix: a Linux or ESXi shell; windows: OpenSSH on Windows Server (cmd.exe or PowerShell). */
export type RemoteFlavour = 'posix' | 'windows';

export interface SshTransportOptions {
  flavour?: RemoteFlavour;
  /** Extra ssh arguments, e.g. ['-F', config] in tests. PATCHWALK_SSH_OPTIONS adds more, split on spaces. */
  extraArgs?: string[];
}

/** ssh's own messages when the link, not the command, failed. */
const TRANSPORT_FAILURE =
  /(Connection (closed|reset|refused|timed out)|Broken pipe|client_loop: send disconnect|Timeout, server .* not responding|mux_client|Could not resolve hostname|No route to host|Permission denied \(|Host key verification failed|kex_exchange_identification|Network is unreachable)/i;

export function looksLikeTransportFailure(stderr: string): boolean {
  return TRANSPORT_FAILURE.test(stderr);
}

/** The remote side always gets one string for its shell; an argv is quoted word by word. */
export function remoteText(command: Command): string {
  return 'shell' in command ? command.shell : command.argv.map(shellQuote).join(' ');
}

/** A lost connection is named as such, never as "exit code 255". */
export function connectionError(destination: string, wasConnected: boolean, stderr: string): string {
  const host = destination.replace(/^.*@/, '');
  const detail = stderr.trim() ? ` (${stderr.trim()})` : '';
  return wasConnected ? `lost the ssh connection to ${host}${detail}` : `cannot connect to ${host} over ssh${detail}`;
}

// PowerShell on Windows ends the marker lines with CR LF.
const ANY_MARKER = /@pw[0-9a-f]{8}:(pgid|exit):-?\d*\r?$/;

/** Takes any wrapper marker off a line read back from a file, when the session that knew it is gone. */
export function withoutWrapperMarker(line: string): string | undefined {
  const match = ANY_MARKER.exec(line);
  if (!match) return line;
  return line.slice(0, match.index) || undefined;
}

/** One remote command's view of the wrapper's markers. */
export class RemoteSession {
  /** POSIX: the command's process group. Windows: the wrapper's process id, ended with its tree. */
  pgid: number | undefined;
  exitCode: number | undefined;
  private readonly pgidMarker: string;
  private readonly exitMarker: string;

  constructor(
    readonly argv: string[],
    token: string,
    readonly wrapped: boolean,
    /** To write to the session's stdin, then close it: the command's environment, for the wrapper. */
    readonly stdin?: string,
  ) {
    this.pgidMarker = `@${token}:pgid:`;
    this.exitMarker = `@${token}:exit:`;
  }

  /** Takes the wrapper's markers out of stderr; returns the text still to show, or undefined for none. */
  filter(line: string): string | undefined {
    if (!this.wrapped) return line;
    const pgidAt = line.indexOf(this.pgidMarker);
    if (pgidAt >= 0) {
      this.pgid = Number(line.slice(pgidAt + this.pgidMarker.length)) || undefined;
      return line.slice(0, pgidAt) || undefined;
    }
    const exitAt = line.indexOf(this.exitMarker);
    if (exitAt >= 0) {
      this.exitCode = Number(line.slice(exitAt + this.exitMarker.length));
      return line.slice(0, exitAt) || undefined;
    }
    return line;
  }

  /** Whether ssh's exit status means the connection failed rather than the command. */
  connectionFailed(sshExit: number | undefined | null, stderr: string): boolean {
    if (sshExit !== 255) return false;
    if (this.wrapped) return this.exitCode === undefined;
    return looksLikeTransportFailure(stderr);
  }

  /** The command's own exit code: the wrapper's report when there is one. */
  commandExit(sshExit: number | undefined | null): number | null {
    if (this.exitCode !== undefined) return this.exitCode;
    return sshExit ?? null;
  }
}

export class SshTransport {
  readonly flavour: RemoteFlavour;
  private readonly controlDir: string;
  private readonly controlPath: string;
  private readonly extraArgs: string[];
  private readonly token = `pw${randomBytes(4).toString('hex')}`;
  private master: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly destination: string,
    options: SshTransportOptions = {},
  ) {
    this.flavour = options.flavour ?? 'posix';
    this.controlDir = mkdtempSync(join(tmpdir(), 'pw-ssh-'));
    // %C is a hash of host, port and user: short enough for a unix socket path.
    this.controlPath = join(this.controlDir, '%C');
    const fromEnv = (process.env.PATCHWALK_SSH_OPTIONS ?? '').split(' ').filter(Boolean);
    this.extraArgs = [...fromEnv, ...(options.extraArgs ?? [])];
  }

  /** Options every ssh invocation of this run shares. */
  private common(): string[] {
    return [
      ...this.extraArgs,
      '-o', 'BatchMode=yes',
      '-o', `ConnectTimeout=${SSH_CONNECT_TIMEOUT_S}`,
      '-o', `ServerAliveInterval=${SSH_ALIVE_INTERVAL_S}`,
      '-o', `ServerAliveCountMax=${SSH_ALIVE_COUNT_MAX}`,
      '-o', `ControlPath=${this.controlPath}`,
    ];
  }

  /** Starts the shared master connection once; later commands ride on it. */
  async connect(): Promise<void> {
    if (this.closed) return;
    this.master ??= (async () => {
      const result = await execa(
        'ssh',
        [...this.common(), '-o', 'ControlMaster=yes', '-o', `ControlPersist=${SSH_CONTROL_PERSIST_S}`, '-f', '-N', '--', this.destination],
        { reject: false, stdin: 'ignore', timeout: SSH_MASTER_TIMEOUT_MS },
      );
      // A master that could not start is not fatal: each command then connects on its own and
      // reports the real error.
      if (result.exitCode !== 0) this.master = undefined;
    })();
    return this.master;
  }

  /** Whether the master connection is up. */
  async alive(): Promise<boolean> {
    const result = await execa('ssh', [...this.common(), '-O', 'check', '--', this.destination], { reject: false, stdin: 'ignore', timeout: SSH_MASTER_TIMEOUT_MS });
    return result.exitCode === 0;
  }

  /** Drops the master connection (the host is rebooting); the next command connects afresh. */
  async disconnect(): Promise<void> {
    this.master = undefined;
    await execa('ssh', [...this.common(), '-O', 'exit', '--', this.destination], { reject: false, stdin: 'ignore', timeout: SSH_MASTER_TIMEOUT_MS });
  }

  /**
   * The argv that runs one remote command string over the shared connection, and its markers. An
   * `env` (secrets among it) never goes into that argv: the session's stdin carries it to the POSIX
   * wrapper. Windows has no such reader yet, so an environment for it is refused.
   */
  session(remote: string, options: { wrap?: boolean; env?: Record<string, string> } = {}): RemoteSession {
    const env = Object.entries(options.env ?? {});
    const problem = envProblem(options.env ?? {});
    if (problem) throw new Error(problem);
    if (env.length && this.flavour !== 'posix') {
      throw new Error(`cannot pass environment values (env: or secrets) to ${this.destination}: only a POSIX shell reads them from stdin`);
    }
    if (env.length && options.wrap === false) throw new Error('environment values need the remote wrapper');
    let text = remote;
    if (options.wrap ?? true) {
      const wrapped = this.flavour === 'posix' ? this.wrap(remote, env.length > 0) : windowsWrapper(this.token, remote);
      // cmd.exe takes no longer line: such a command runs as it is, without a remote kill.
      if (this.flavour === 'posix' || wrapped.length <= WINDOWS_COMMAND_LINE_MAX) text = wrapped;
    }
    const argv = ['ssh', ...this.common(), '-o', 'ControlMaster=no', '-T', '--', this.destination, text];
    const stdin = env.length ? env.map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join('') : undefined;
    return new RemoteSession(argv, this.token, text !== remote, stdin);
  }

  /**
   * The remote login shell is the leader of its own process group (sshd starts each session with
   * setsid), and `exec` keeps its pid, so `$$` names the group of everything the command starts.
   * With an environment, the wrapper first reads its exports from stdin (to EOF): they are set in
   * the shell, so they show in no process's arguments, and the command then gets /dev/null.
   */
  private wrap(remote: string, env: boolean): string {
    const script =
      `printf '@${this.token}:pgid:%s\\n' "$$" >&2; ` +
      (env ? `eval "$(cat)"; /bin/sh -c "$1" </dev/null; s=$?; ` : `/bin/sh -c "$1"; s=$?; `) +
      `printf '@${this.token}:exit:%s\\n' "$s" >&2; exit "$s"`;
    return `exec /bin/sh -c ${shellQuote(script)} patchwalk ${shellQuote(remote)}`;
  }

  /** Ends a remote process group (or tree): after a timeout or an abort the command must not live on. */
  async killRemote(pgid: number, signal: 'TERM' | 'KILL'): Promise<void> {
    const command = remoteKillCommand(this.flavour, pgid, signal);
    if (!command) return;
    const [ssh, ...args] = this.session(command, { wrap: false }).argv;
    if (ssh === undefined) return;
    await execa(ssh, args, { reject: false, stdin: 'ignore', timeout: SSH_REMOTE_KILL_TIMEOUT_MS });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.master) await this.disconnect();
    rmSync(this.controlDir, { recursive: true, force: true });
  }
}

/**
 * The remote command that ends a wrapped command. Windows has no polite signal for a console
 * process tree, so both steps force it; taskkill /T takes the children (cmd.exe, the command and
 * whatever it started, such as Stop-VM's PowerShell) with it. Undefined for an id that is no
 * command's (POSIX 0 and 1; Windows' System Idle and System processes).
 */
export function remoteKillCommand(flavour: RemoteFlavour, id: number, signal: 'TERM' | 'KILL'): string | undefined {
  if (!Number.isInteger(id)) return undefined;
  if (flavour === 'windows') return id > 4 ? `taskkill /T /F /PID ${id}` : undefined;
  return id > 1 ? `kill -${signal} -- -${id} 2>/dev/null || true` : undefined;
}

/** A PowerShell single-quoted literal: only ' and its typographic forms are special, each doubled. */
function psLiteral(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

/**
 * OpenSSH on Windows hands a command line to cmd.exe. The wrapper is a Windows PowerShell that
 * reports its own process id, runs the command line through cmd.exe exactly as sshd would
 * (`/s /c "…"` keeps it verbatim), inheriting stdout and stderr so output streams live, then
 * reports the exit code. The script travels base64-encoded, so neither cmd.exe nor PowerShell
 * as the default shell reads it on the way. UTF-8 console output first: the command's own
 * PowerShell then writes names such as Büro-Server intact.
 */
export function windowsWrapper(token: string, remote: string): string {
  const script = [
    'try { $u = New-Object System.Text.UTF8Encoding $false; [Console]::OutputEncoding = $u; $OutputEncoding = $u } catch { }',
    // A command that cannot start ends the wrapper without an exit marker, never as exit 0.
    "$ErrorActionPreference = 'Stop'",
    `[Console]::Error.WriteLine('@${token}:pgid:' + $PID)`,
    '$s = New-Object System.Diagnostics.ProcessStartInfo',
    "$s.FileName = $(if ($env:ComSpec) { $env:ComSpec } else { 'cmd.exe' })",
    `$s.Arguments = '/s /c "' + ${psLiteral(remote)} + '"'`,
    '$s.UseShellExecute = $false',
    '$p = [System.Diagnostics.Process]::Start($s)',
    '$p.WaitForExit()',
    `[Console]::Error.WriteLine('@${token}:exit:' + $p.ExitCode)`,
    'exit $p.ExitCode',
  ].join('\n');
  return `powershell -NoProfile -NonInteractive -EncodedCommand ${Buffer.from(script, 'utf16le').toString('base64')}`;
}

/** The run's ssh connections, one per destination, all closed when the run ends. */
export class SshConnections {
  private readonly transports = new Map<string, SshTransport>();

  constructor(private readonly options: SshTransportOptions = {}) {}

  get(destination: string, flavour?: RemoteFlavour): SshTransport {
    let transport = this.transports.get(destination);
    if (!transport) {
      transport = new SshTransport(destination, { ...this.options, flavour: flavour ?? this.options.flavour });
      this.transports.set(destination, transport);
    }
    return transport;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.transports.values()].map((transport) => transport.close()));
    this.transports.clear();
  }
}
