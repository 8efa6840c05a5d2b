// The libvirt provider against a real libvirtd with its test driver.
//
// What we found out about the test driver's state (libvirt 9.0, Debian 12), and why the fixture is
// loaded the way it is:
// - A file URI (test+unix:///ABS/host.xml) gives EVERY connection its own private copy parsed from
//   the file. A `virsh shutdown` succeeds, but the next `virsh` call (a new connection) sees the
//   file's states again, whether or not another connection is held open. Nothing is shared.
// - test+unix:///default is one instance inside the daemon, shared by all connections and
//   reference-counted: it lives while at least one connection is open and is thrown away (back to
//   its single "test" domain) when the last one closes.
// So the test holds one interactive `virsh -c test+unix:///default` open for the whole file,
// defines the domains of test/fixtures/libvirt/host.xml into that instance, and then the provider
// (one virsh process per call, as against a real qemu:///system) and the independent `virsh` checks
// all see the same host. Domains with <on_poweroff>restart</on_poweroff> come straight back up after
// a graceful shutdown in the test driver: that is our guest that ignores the shutdown.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtProvider } from '../../src/inventory/libvirt-provider.js';
import type { VmState } from '../../src/engine/types.js';
import { patchwalk, tempDir, writeRunbook, ROOT } from '../helpers/cli.js';
import { domstate, ensureLibvirtd, libvirtUnavailable, loadTestHost, TEST_URI, type TestHost } from '../helpers/libvirt.js';
import { integrationRequired } from '../helpers/sshd.js';

const unavailable = libvirtUnavailable();
if (unavailable && !integrationRequired()) console.warn(`libvirt integration tests skipped: ${unavailable}`);

const FIXTURE = join(ROOT, 'test/fixtures/libvirt/host.xml');
const EVIL = 'evil;$(touch pwned)';
const RUNNING = ['web01', 'web02', 'db01', EVIL, 'stubborn01', 'cache01', 'win-ad01'];
const AUTOSTART = ['web01', 'web02', 'db01', 'win-ad01'];

describe.skipIf(Boolean(unavailable) && !integrationRequired())('libvirt provider against libvirtd (test driver)', () => {
  let host: TestHost;
  const dir = tempDir('pw-libvirt-');
  const provider = new LibvirtProvider(TEST_URI, undefined, 100);

  beforeAll(async () => {
    if (unavailable) throw new Error(`libvirt integration required but unavailable: ${unavailable}`);
    await ensureLibvirtd();
    host = await loadTestHost(FIXTURE, dir, { shutOff: ['build01'], autostart: AUTOSTART });
  }, 60_000);
  afterAll(async () => {
    await host?.close();
  });

  it('lists every VM with state, vCPUs, memory, autostart and tags from description or metadata', async () => {
    const vms = await provider.list();
    expect(vms.map((vm) => vm.name).sort()).toEqual([...RUNNING, 'build01'].sort());
    expect(vms.find((vm) => vm.name === 'web01')).toMatchObject({ state: 'running', vcpus: 2, memory_mib: 2048, autostart: true, tags: ['web', 'prod'] });
    expect(vms.find((vm) => vm.name === 'web02')?.tags).toEqual(['web', 'prod']);
    expect(vms.find((vm) => vm.name === 'build01')).toMatchObject({ state: 'shut-off', autostart: false, vcpus: 8, memory_mib: 8192 });
    expect(vms.find((vm) => vm.name === EVIL)).toMatchObject({ state: 'running', tags: [] });
  });

  it('shuts down running VMs gracefully, reporting each VM on its own; a stubborn one times out alone', async () => {
    const states: string[] = [];
    const results = await provider.power({
      action: 'shutdown',
      vms: ['web01', EVIL, 'stubborn01'],
      timeoutMs: 1500,
      concurrency: 2,
      onState: (name: string, state: VmState) => states.push(`${name}:${state}`),
    });
    expect(results).toEqual([
      { name: 'web01', outcome: 'ok' },
      { name: EVIL, outcome: 'ok' },
      { name: 'stubborn01', outcome: 'timeout' },
    ]);
    expect(states).toContain(`${EVIL}:shut-off`);
    expect(await domstate('web01')).toBe('shut off');
    expect(await domstate(EVIL)).toBe('shut off');
    expect(await domstate('stubborn01')).toBe('running');
  });

  it('forces the stubborn VM off after its graceful timeout', async () => {
    const results = await provider.power({ action: 'poweroff', vms: ['stubborn01'], timeoutMs: 5000, concurrency: 1, onState: () => {} });
    expect(results).toEqual([{ name: 'stubborn01', outcome: 'ok' }]);
    expect(await domstate('stubborn01')).toBe('shut off');
  });

  it('names the VM and the command when virsh refuses', async () => {
    const results = await provider.power({ action: 'start', vms: ['no-such-vm'], timeoutMs: 1000, concurrency: 1, onState: () => {} });
    expect(results[0].outcome).toBe('error');
    expect(results[0].message).toMatch(/^virsh domstate no-such-vm failed: error: failed to get domain 'no-such-vm'/);
  });

  it('a whole run: shuts down, forces the stubborn VM, restores only what it stopped, and leaves build01 off', async () => {
    await provider.power({ action: 'start', vms: ['web01', EVIL, 'stubborn01'], timeoutMs: 5000, concurrency: 4, onState: () => {} });
    const runbook = writeRunbook(
      dir,
      'kvm.yaml',
      `runbook: 1
title: libvirt integration
unattended: true
inventory: { provider: libvirt, uri: "${TEST_URI}" }
target: { name: testhost }
steps:
  - id: shutdown
    title: Shut down every running VM
    shutdown: { select: running, mode: graceful, timeout: 2s, then: force, concurrency: 4 }
  - id: check
    title: Independent view
    run: [virsh, -c, "${TEST_URI}", list, --all]
  - id: restore
    title: Start what this run stopped
    start: { select: stopped-by-this-run, order: [db01] }
`,
    );
    const result = await patchwalk(['run', runbook, '--yes', '--plain'], { cwd: dir });
    const stdout = String(result.stdout);
    expect(result.exitCode, stdout + String(result.stderr)).toBe(0);
    // The independent virsh in the middle of the run saw every VM off.
    const middle = stdout.split('\n').filter((line) => / shut off$/.test(line.trim()));
    expect(middle.length).toBeGreaterThanOrEqual(8);
    expect(stdout).toMatch(/stubborn01/);
    for (const name of RUNNING) expect(await domstate(name)).toBe('running');
    expect(await domstate('build01')).toBe('shut off');
    expect(stdout).not.toMatch(/NOT BACK/);
  }, 60_000);

  it('never created a file named pwned', () => {
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(ROOT, 'pwned'))).toBe(false);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });
});
