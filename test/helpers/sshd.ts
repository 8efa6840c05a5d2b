// A throwaway sshd on 127.0.0.1 for the `on: host` and reboot tests: its own host key, its own
// client key, its own known_hosts, and an ssh config file the tests pass with -F, so the user's
// real ssh files are never read or written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { tempDir } from './cli.js';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  dir: string;
  port: number;
  /** user@127.0.0.1 */
  destination: string;
  /** ssh -F file that points at the throwaway keys and known_hosts. */
  configFile: string;
  /** The sshd_config, for restarting it (the reboot test). */
  serverConfig: string;
  pidFile: string;
  start(): Promise<void>;
  stop(): void;
}

/** Why an sshd cannot run here, or undefined when it can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install openssh-server)`;
  if (!existsSync('/usr/bin/ssh')) return 'ssh is not installed (apt-get install openssh-client)';
  if (process.getuid?.() !== 0 && !existsSync('/run/sshd')) return 'sshd needs /run/sshd, which only root can create';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startSshd(): Promise<TestSshd> {
  const dir = tempDir('pw-sshd-');
  const port = await freePort();
  const user = userInfo().username;
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim();
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  const pidFile = join(dir, 'sshd.pid');
  const serverConfig = join(dir, 'sshd_config');
  writeFileSync(
    serverConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 50',
      'MaxStartups 50',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const configFile = join(dir, 'ssh_config');
  writeFileSync(
    configFile,
    [
      'Host 127.0.0.1',
      `  Port ${port}`,
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const sshd: TestSshd = {
    dir,
    port,
    destination: `${user}@127.0.0.1`,
    configFile,
    serverConfig,
    pidFile,
    async start() {
      // Without -D sshd detaches and writes its PidFile; stop() ends exactly that process.
      await execa(SSHD, ['-f', serverConfig], { stdin: 'ignore' });
      await waitForPort(port);
    },
    stop() {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
      } catch {
        // Not running.
      }
    },
  };
  await sshd.start();
  return sshd;
}

async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on port ${port}`);
}

/** In CI (PATCHWALK_REQUIRE_INTEGRATION=1) a suite that cannot run fails; elsewhere it skips. */
export function integrationRequired(): boolean {
  return process.env.PATCHWALK_REQUIRE_INTEGRATION === '1';
}
