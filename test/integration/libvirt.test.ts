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
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtProvider } from '../../src/inventory/libvirt-provider.js';
import type { VmState } from '../../src/engine/types.js';
import { patchwalk, tempDir, writeRunbook, ROOT } from '../helpers/cli.js';
import { domstate, ensureLibvirtd, libvirtUnavailable, loadTestHost, TEST_URI, virsh, type TestHost } from '../helpers/libvirt.js';
import { integrationRequired } from '../helpers/sshd.js';
import { readRecording } from '../../src/inventory/output-recording.js';
import { replayList } from '../inventory/captured-output.js';

function first<T>(list: T[]): T {
  const item = list[0];
  if (!item) throw new Error('empty');
  return item;
}

const unavailable = libvirtUnavailable();
if (unavailable && !integrationRequired()) console.warn(`libvirt integration tests skipped: ${unavailable}`);

const FIXTURE = join(ROOT, 'test/fixtures/libvirt/host.xml');
const EVIL = 'evil;$(touch pwned)';
// `test` is the instance's own domain, kept so that domain id 1 is a VM other than the one named "1".
const RUNNING = ['test', 'web01', 'web02', 'db01', EVIL, 'stubborn01', 'cache01', 'win-ad01'];
const ONE_UUID = '6c0a5b1e-0000-4000-8000-0000000000a1';
const ONE_XML = `<domain type="test"><name>1</name><uuid>${ONE_UUID}</uuid><memory unit="MiB">512</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
const AUTOSTART = ['web01', 'web02', 'db01', 'win-ad01'];

describe.skipIf(Boolean(unavailable) && !integrationRequired())('libvirt provider against libvirtd (test driver)', () => {
  let host: TestHost;
  const dir = tempDir('pw-libvirt-');
  const provider = new LibvirtProvider(TEST_URI, undefined, 100);

  beforeAll(async () => {
    if (unavailable) throw new Error(`libvirt integration required but unavailable: ${unavailable}`);
    await ensureLibvirtd();
    host = await loadTestHost(FIXTURE, dir, { shutOff: ['build01'], autostart: AUTOSTART, keep: ['test'] });
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

  it('vms --record keeps every virsh call, and replaying them through the provider gives the same VMs', async () => {
    const record = join(dir, 'recording');
    const runbook = writeRunbook(dir, 'record.yaml', `runbook: 1\ntitle: record\ninventory: { provider: libvirt, uri: "${TEST_URI}" }\nsteps:\n  - { id: look, title: Look, note: look }\n`);
    const result = await patchwalk(['vms', runbook, '--record', record]);
    expect(result.stderr).toContain('recorded');
    expect(result.exitCode).toBe(0);
    const recording = readRecording(record);
    expect(recording.source).toMatchObject({ provider: 'libvirt', inventory: { uri: TEST_URI } });
    expect(recording.calls.every((call) => call.argv[0] === 'virsh')).toBe(true);
    expect(recording.vms.map((vm) => vm.name).sort()).toEqual([...RUNNING, 'build01'].sort());
    expect(await replayList(recording)).toEqual(recording.vms);
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
    const result = first(results);
    expect(result.outcome).toBe('error');
    expect(result.message).toBe(`no domain named no-such-vm on ${TEST_URI}`);
  });

  it('a VM named "1" is controlled by its UUID, and domain id 1 (another VM) is left alone', async () => {
    expect((await virsh('domname', '1')).stdout.trim(), 'the fresh test:///default instance gives its own "test" domain id 1').toBe('test');
    const file = join(dir, 'one.xml');
    writeFileSync(file, ONE_XML);
    expect((await virsh('define', '--file', file)).exitCode).toBe(0);
    const one = new LibvirtProvider(TEST_URI, undefined, 100);
    expect((await one.list({ tags: false })).find((vm) => vm.name === '1')).toMatchObject({ id: ONE_UUID, state: 'shut-off', vcpus: 1, memory_mib: 512 });
    // `virsh start --domain 1` would pick domain id 1 ("test", running) and fail; by UUID it starts "1".
    expect(await one.power({ action: 'start', vms: ['1'], timeoutMs: 5000, concurrency: 1, onState: () => {} })).toEqual([{ name: '1', outcome: 'ok' }]);
    expect(await domstate(ONE_UUID)).toBe('running');
    // `virsh destroy --domain 1` would kill "test".
    expect(await one.power({ action: 'poweroff', vms: ['1'], timeoutMs: 5000, concurrency: 1, onState: () => {} })).toEqual([{ name: '1', outcome: 'ok' }]);
    expect(await domstate(ONE_UUID)).toBe('shut off');
    expect(await domstate('test')).toBe('running');
    expect(await one.snapshot({ action: 'create', vms: ['1'], name: 'pre-patch', memory: true, timeoutMs: 5000, concurrency: 1, onState: () => {} })).toEqual([
      { name: '1', outcome: 'ok' },
    ]);
    expect((await virsh('snapshot-list', '--domain', ONE_UUID, '--name')).stdout.trim()).toBe('pre-patch');
    expect((await virsh('snapshot-list', '--domain', 'test', '--name')).stdout.trim()).toBe('');
    expect(await one.snapshot({ action: 'delete', vms: ['1'], name: 'pre-patch', timeoutMs: 5000, concurrency: 1, onState: () => {} })).toEqual([
      { name: '1', outcome: 'ok' },
    ]);
    expect((await virsh('undefine', '--domain', ONE_UUID)).exitCode).toBe(0);
  });

  it('snapshots, reverts to the snapshot (power state included) and deletes, on the real daemon', async () => {
    const states: string[] = [];
    const onState = (name: string, state: VmState) => states.push(`${name}:${state}`);
    // The earlier tests left EVIL off: its snapshot reverts it to off.
    const vms = ['web02', EVIL];
    await provider.power({ action: 'start', vms, timeoutMs: 5000, concurrency: 2, onState: () => {} });
    // The test driver keeps memory snapshots only (it refuses --disk-only: see below).
    expect(await provider.snapshot({ action: 'create', vms, name: 'pre-patch', memory: true, timeoutMs: 10_000, concurrency: 2, onState })).toEqual([
      { name: 'web02', outcome: 'ok' },
      { name: EVIL, outcome: 'ok' },
    ]);
    for (const name of vms) expect((await virsh('snapshot-list', '--domain', name, '--name')).stdout.trim()).toBe('pre-patch');
    // The "patch" goes wrong: both VMs end up off.
    await provider.power({ action: 'poweroff', vms, timeoutMs: 5000, concurrency: 2, onState: () => {} });
    expect(await domstate('web02')).toBe('shut off');
    expect(await provider.snapshot({ action: 'revert', vms, name: 'pre-patch', timeoutMs: 10_000, concurrency: 2, onState })).toEqual([
      { name: 'web02', outcome: 'ok' },
      { name: EVIL, outcome: 'ok' },
    ]);
    expect(await domstate('web02')).toBe('running');
    expect(await domstate(EVIL)).toBe('running');
    expect(states.sort()).toEqual([`${EVIL}:running`, 'web02:running']);
    expect(await provider.snapshot({ action: 'delete', vms, name: 'pre-patch', timeoutMs: 10_000, concurrency: 2, onState })).toEqual([
      { name: 'web02', outcome: 'ok' },
      { name: EVIL, outcome: 'ok' },
    ]);
    for (const name of vms) expect((await virsh('snapshot-list', '--domain', name, '--name')).stdout.trim()).toBe('');
    // Errors name the VM and the command.
    const [missing] = await provider.snapshot({ action: 'revert', vms: ['web02'], name: 'pre-patch', timeoutMs: 10_000, concurrency: 1, onState });
    expect(missing).toMatchObject({ outcome: 'error', message: expect.stringMatching(/^virsh snapshot-revert web02 failed: error: .*pre-patch/) });
    const [diskOnly] = await provider.snapshot({ action: 'create', vms: ['web02'], name: 'disk', timeoutMs: 10_000, concurrency: 1, onState });
    expect(diskOnly).toMatchObject({ outcome: 'error', message: expect.stringMatching(/^virsh snapshot-create-as web02 failed: error: unsupported flags/) });
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
