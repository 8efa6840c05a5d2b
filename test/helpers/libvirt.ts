// A libvirt daemon with the test driver, for the libvirt integration tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { waitFor } from './processes.js';

export const TEST_URI = 'test+unix:///default';
const SOCKET = '/run/libvirt/libvirt-sock';

/** Why the libvirt tests cannot run here, or undefined when they can. */
export function libvirtUnavailable(): string | undefined {
  if (!existsSync('/usr/bin/virsh')) return 'virsh is not installed (apt-get install libvirt-clients)';
  if (!existsSync('/usr/sbin/libvirtd')) return 'libvirtd is not installed (apt-get install libvirt-daemon)';
  if (!existsSync(SOCKET) && process.getuid?.() !== 0) return 'libvirtd is not running and only root can start it';
  return undefined;
}

/** Starts libvirtd (as root) unless its socket already answers. */
export async function ensureLibvirtd(): Promise<void> {
  const answers = async () => (await execa('virsh', ['-c', TEST_URI, 'version'], { reject: false, stdin: 'ignore' })).exitCode === 0;
  if (existsSync(SOCKET) && (await answers())) return;
  for (const dir of ['/var/log/libvirt', '/run/libvirt']) mkdirSync(dir, { recursive: true });
  if ((await execa('id', ['libvirt-qemu'], { reject: false })).exitCode !== 0) {
    await execa('useradd', ['-r', '-M', '-s', '/usr/sbin/nologin', 'libvirt-qemu'], { reject: false });
  }
  await execa('libvirtd', ['--daemon'], { stdin: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(SOCKET) && (await answers())) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('libvirtd did not start: no answer on /run/libvirt/libvirt-sock');
}

export function virsh(...args: string[]) {
  return execa('virsh', ['-c', TEST_URI, ...args], { reject: false, stdin: 'ignore', env: { LC_ALL: 'C' } });
}

export async function domstate(name: string): Promise<string> {
  return (await virsh('domstate', '--domain', name)).stdout.trim();
}

/** The <domain> elements of a <node> fixture file, each as its own XML text. */
export function fixtureDomains(file: string): { name: string; xml: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/<domain[\s\S]*?<\/domain>/g)].map((match) => {
    const named = /<name>([\s\S]*?)<\/name>/.exec(match[0]);
    if (!named) throw new Error(`a <domain> in ${file} has no <name>`);
    return {
      xml: match[0],
      name: named[1]!
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    };
  });
}

export interface TestHost {
  holder: ResultPromise;
  close(): Promise<void>;
}

/**
 * Loads the fixture into the daemon's shared test:///default instance, held open by one long-lived
 * interactive virsh, and returns that holder. `keep` leaves domains of the instance in place: a
 * fresh instance's own "test" domain is the one with id 1.
 */
export async function loadTestHost(file: string, dir: string, options: { shutOff: string[]; autostart: string[]; keep?: string[] }): Promise<TestHost> {
  const holder = execa('virsh', ['-c', TEST_URI], { stdin: 'pipe', stdout: 'ignore', stderr: 'ignore', reject: false });
  await waitFor(() => holder.pid !== undefined);
  // The holder's own connection must be open before the first define, or the define lands in an
  // instance that vanishes when its virsh exits.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const name of (await virsh('list', '--all', '--name')).stdout.split('\n').filter(Boolean)) {
    if (options.keep?.includes(name)) continue;
    await virsh('destroy', '--domain', name);
    await virsh('undefine', '--domain', name);
  }
  for (const [index, domain] of fixtureDomains(file).entries()) {
    const path = join(dir, `domain-${index}.xml`);
    writeFileSync(path, domain.xml);
    const defined = await virsh('define', '--file', path);
    if (defined.exitCode !== 0) throw new Error(`virsh define ${domain.name}: ${defined.stderr}`);
    if (options.autostart.includes(domain.name)) await virsh('autostart', '--domain', domain.name);
    if (!options.shutOff.includes(domain.name)) await virsh('start', '--domain', domain.name);
  }
  return {
    holder,
    async close() {
      holder.stdin?.end('quit\n');
      await Promise.race([holder, new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (holder.exitCode === null) holder.kill('SIGKILL');
    },
  };
}
