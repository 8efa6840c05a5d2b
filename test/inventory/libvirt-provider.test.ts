// The libvirt provider on a recorded virsh: how many calls it makes for N domains, and that every
// power and snapshot call names the domain by UUID.
import { describe, expect, it } from 'vitest';
import { LibvirtProvider } from '../../src/inventory/libvirt-provider.js';
import { parseDomStats, parseUuidNameList, splitMarked } from '../../src/inventory/libvirt-parse.js';
import type { VmState } from '../../src/engine/types.js';
import { recorded } from './recorded.js';

interface FakeDomain {
  uuid: string;
  name: string;
  /** virDomainState number. */
  state: number;
  autostart: boolean;
  /** Reads left before a graceful shutdown lands. */
  shuttingFor?: number;
  snapshots: Map<string, number>;
}

const URI = 'qemu:///system';

function uuid(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

/** A host of `count` domains answering virsh as libvirt 9 does; `sized: false` is the test driver. */
function host(count: number, options: { sized?: boolean; names?: (index: number) => string; shutdownReads?: number } = {}) {
  const domains: FakeDomain[] = Array.from({ length: count }, (_, index) => ({
    uuid: uuid(index + 1),
    name: options.names?.(index) ?? `vm${index}`,
    state: 1,
    autostart: index % 2 === 0,
    snapshots: new Map(),
  }));
  const byUuid = (id: string) => domains.find((domain) => domain.uuid === id);
  const stats = (domain: FakeDomain, sized: boolean) =>
    `Domain: '${domain.name}'\n  state.state=${domain.state}\n  state.reason=1\n` +
    (sized ? `  vcpu.current=2\n  vcpu.maximum=4\n  balloon.current=2097152\n  balloon.maximum=2097152\n` : '');
  const answer = (args: string[]): { exitCode?: number; stdout?: string; stderr?: string } | undefined => {
    if (args.length === 1) {
      // One virsh running a script ("echo MARK UUID; dumpxml --domain UUID; …"), as virsh does:
      // every command runs, the exit code is the last one's.
      const all = { exitCode: 0, stdout: '', stderr: '' };
      for (const command of args[0]!.split('; ')) {
        const [verb, ...rest] = command.split(' ');
        const one = verb === 'echo' ? { stdout: `${rest.join(' ')}\n` } : (answer([verb!, ...rest]) ?? { exitCode: 1, stderr: `error: unknown ${verb}\n` });
        all.stdout += one.stdout ?? '';
        all.stderr += one.stderr ?? '';
        all.exitCode = one.exitCode ?? 0;
      }
      return all;
    }
    const [verb, ...rest] = args;
    if (verb === 'list' && rest.includes('--autostart')) return { stdout: `${domains.filter((d) => d.autostart).map((d) => d.uuid).join('\n')}\n\n` };
    if (verb === 'list') return { stdout: `${domains.map((d) => `${d.uuid} ${d.name}`).join('\n')}\n\n` };
    if (verb === 'domstats') {
      for (const domain of domains) {
        if (domain.shuttingFor !== undefined && --domain.shuttingFor <= 0) {
          domain.state = 5;
          domain.shuttingFor = undefined;
        }
      }
      return { stdout: domains.map((domain) => stats(domain, options.sized !== false && rest.includes('--vcpu'))).join('\n') };
    }
    expect(rest[0], `${verb} names its domain by --domain`).toBe('--domain');
    const domain = byUuid(rest[1]!);
    if (!domain) return { exitCode: 1, stderr: `error: failed to get domain '${rest[1]}'\n` };
    switch (verb) {
      case 'dumpxml':
        return {
          stdout:
            `<domain type='kvm'>\n  <name>${domain.name}</name>\n  <uuid>${domain.uuid}</uuid>\n  <description>tags: web, n${domain.uuid.slice(-3)}</description>\n` +
            (domain.name.startsWith('gpu') ? `  <devices><hostdev mode='subsystem' type='pci' managed='yes'><source/></hostdev></devices>\n` : '') +
            `</domain>\n`,
        };
      case 'dominfo':
        return { stdout: `Id:             -\nName:           ${domain.name}\nUUID:           ${domain.uuid}\nState:          ${domain.state === 1 ? 'running' : 'shut off'}\nCPU(s):         3\nMax memory:     1048576 KiB\nAutostart:      disable\n\n` };
      case 'domstate':
        return { stdout: `${{ 1: 'running', 4: 'in shutdown', 5: 'shut off' }[domain.state] ?? 'unknown'}\n\n` };
      case 'shutdown':
        if (domain.state !== 1) return { exitCode: 1, stderr: 'error: Requested operation is not valid: domain is not running\n' };
        domain.state = 4;
        domain.shuttingFor = options.shutdownReads ?? 1;
        if (domain.shuttingFor === 0) domain.state = 5;
        return { stdout: `Domain '${domain.name}' is being shutdown\n\n` };
      case 'destroy':
        domain.state = 5;
        return {};
      case 'start':
        if (domain.state === 1) return { exitCode: 1, stderr: 'error: Domain is already active\n' };
        domain.state = 1;
        return {};
      case 'snapshot-create-as':
        domain.snapshots.set(rest[3]!, domain.state);
        return { stdout: `Domain snapshot ${rest[3]} created\n` };
      case 'snapshot-revert': {
        const state = domain.snapshots.get(rest[3]!);
        if (state === undefined) return { exitCode: 1, stderr: `error: Domain snapshot not found: no domain snapshot with matching name '${rest[3]}'\n` };
        domain.state = state;
        return {};
      }
      case 'snapshot-delete':
        domain.snapshots.delete(rest[3]!);
        return {};
    }
    return undefined;
  };
  const virsh = recorded((argv) => {
    expect(argv.slice(0, 3)).toEqual(['virsh', '-c', URI]);
    return answer(argv.slice(3));
  });
  // A script names its first command that is not an echo: "batch:dumpxml", "script:shutdown".
  const verbs = () =>
    virsh.calls.map((argv) => {
      if (argv.length > 4) return argv[3]!;
      const verb = /^(?:echo \S+ \S+; )?(\w[\w-]*)/.exec(argv[3]!)?.[1];
      return argv[3]!.startsWith('echo ') ? `batch:${verb}` : `script:${verb}`;
    });
  const countOf = (verb: string) => verbs().filter((name) => name === verb).length;
  return { domains, ...virsh, verbs, count: countOf };
}

describe('libvirt parsing', () => {
  it('reads "UUID NAME" lines (names with spaces), domstats blocks and marked batch sections', () => {
    expect(parseUuidNameList(`${uuid(1)} web 01\n${uuid(2)} 1\nnot a line\n\n`)).toEqual([
      { uuid: uuid(1), name: 'web 01' },
      { uuid: uuid(2), name: '1' },
    ]);
    const stats = parseDomStats("Domain: 'o'brien'\n  state.state=5\n  state.reason=0\n\nDomain: 'b'\n  state.state=1\n");
    expect([...stats.keys()]).toEqual(["o'brien", 'b']);
    expect(stats.get("o'brien")?.get('state.state')).toBe('5');
    expect(splitMarked(`@@m ${uuid(1)}\na\n@@m ${uuid(2)}\n@@other ${uuid(3)}\nb\n`, '@@m')).toEqual(
      new Map([
        [uuid(1), 'a'],
        [uuid(2), `@@other ${uuid(3)}\nb\n`],
      ]),
    );
  });
});

describe('libvirt provider on a recorded virsh', () => {
  it('lists N domains in three calls, plus one batched call per 100 domains for tags', async () => {
    for (const count of [5, 50, 250]) {
      const fake = host(count);
      const vms = await new LibvirtProvider(URI, fake.run).list({ tags: false });
      expect(vms).toHaveLength(count);
      expect(fake.calls).toHaveLength(3);
      expect(vms[0]).toEqual({ name: 'vm0', id: uuid(1), state: 'running', vcpus: 2, memory_mib: 2048, tags: [], autostart: true });
      expect(vms[1]?.autostart).toBe(false);

      const tagged = host(count);
      const withTags = await new LibvirtProvider(URI, tagged.run).list();
      expect(tagged.calls).toHaveLength(3 + Math.ceil(count / 100));
      expect(withTags[count - 1]?.tags).toEqual(['web', `n${uuid(count).slice(-3)}`]);
    }
  });

  it('marks a domain with a host device passed through as unable to live-migrate, so a drain keeps it for its policy', async () => {
    const fake = host(3, { names: (index) => (index === 1 ? 'gpu01' : `vm${index}`) });
    const vms = await new LibvirtProvider(URI, fake.run).list();
    expect(vms.map((vm) => [vm.name, vm.unmovable])).toEqual([
      ['vm0', undefined],
      ['gpu01', 'PCI passthrough (hostdev)'],
      ['vm2', undefined],
    ]);
  });

  it('asks dominfo in one batch where domstats has no vcpu or balloon (the test driver)', async () => {
    const fake = host(30, { sized: false });
    const vms = await new LibvirtProvider(URI, fake.run).list({ tags: false });
    expect(fake.verbs().sort()).toEqual(['batch:dominfo', 'domstats', 'list', 'list']);
    expect(vms[0]).toMatchObject({ vcpus: 3, memory_mib: 1024, state: 'running' });
  });

  it('shuts down and starts N domains with one virsh per domain and a few shared state reads', async () => {
    const count = 60;
    // A guest still "in shutdown" when virsh shutdown returns, and off at the next read.
    const fake = host(count, { shutdownReads: 1 });
    const provider = new LibvirtProvider(URI, fake.run, 1);
    await provider.list({ tags: false });
    fake.calls.length = 0;
    const names = fake.domains.map((domain) => domain.name);
    const states: string[] = [];
    const onState = (name: string, state: VmState) => states.push(`${name}:${state}`);
    const down = await provider.power({ action: 'shutdown', vms: names, timeoutMs: 5000, concurrency: 8, onState });
    expect(down.every((result) => result.outcome === 'ok')).toBe(true);
    // Each shutdown is one virsh that also reads the domain's state right after.
    expect(fake.count('script:shutdown')).toBe(count);
    expect(fake.calls.filter((argv) => argv[3] === 'domstate')).toEqual([]);
    // Reads are shared: about one per wave of 8 here, where the old provider made 3–4 domstate
    // calls per domain.
    expect(fake.count('domstats')).toBeLessThanOrEqual(count / 4);
    expect(fake.calls).toHaveLength(fake.count('script:shutdown') + fake.count('domstats'));
    expect(states).toContain('vm7:shut-off');

    fake.calls.length = 0;
    const up = await provider.power({ action: 'start', vms: names, timeoutMs: 5000, concurrency: 8, onState });
    expect(up.every((result) => result.outcome === 'ok')).toBe(true);
    // virsh start returns once the domain runs: no watching after it, one read to begin with.
    expect(fake.count('start')).toBe(count);
    expect(fake.count('domstats')).toBe(1);
  });

  it('a guest that is off when virsh shutdown returns costs no read at all', async () => {
    const fake = host(40, { shutdownReads: 0 });
    const provider = new LibvirtProvider(URI, fake.run, 1);
    await provider.list({ tags: false });
    fake.calls.length = 0;
    const down = await provider.power({ action: 'shutdown', vms: fake.domains.map((domain) => domain.name), timeoutMs: 5000, concurrency: 8, onState: () => {} });
    expect(down.every((result) => result.outcome === 'ok')).toBe(true);
    expect(fake.verbs().sort()).toEqual(['domstats', ...Array(40).fill('script:shutdown')]);
  });

  it('a shutdown virsh refuses is that VM\'s error, named', async () => {
    const fake = host(2);
    fake.domains[1]!.state = 3;
    const provider = new LibvirtProvider(URI, fake.run, 1);
    expect(await provider.power({ action: 'shutdown', vms: ['vm1'], timeoutMs: 5000, concurrency: 1, onState: () => {} })).toEqual([
      { name: 'vm1', outcome: 'error', message: 'virsh shutdown vm1 failed: error: Requested operation is not valid: domain is not running' },
    ]);
  });

  it('honours concurrency for start: never more than `concurrency` virsh start at once', async () => {
    const fake = host(20);
    fake.domains.forEach((domain) => (domain.state = 5));
    let running = 0;
    let most = 0;
    const slow = async (argv: string[]) => {
      const start = argv[3] === 'start';
      if (start) most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (start) running--;
      return fake.run(argv);
    };
    const provider = new LibvirtProvider(URI, slow, 1);
    await provider.list({ tags: false });
    await provider.power({ action: 'start', vms: fake.domains.map((domain) => domain.name), timeoutMs: 5000, concurrency: 3, onState: () => {} });
    expect(most).toBe(3);
  });

  it('a VM named "1" is addressed by its UUID, never as domain id 1', async () => {
    const fake = host(3, { names: (index) => ['1', '2', '--help'][index]! });
    const provider = new LibvirtProvider(URI, fake.run, 1);
    await provider.power({ action: 'poweroff', vms: ['1', '--help'], timeoutMs: 5000, concurrency: 2, onState: () => {} });
    await provider.snapshot({ action: 'create', vms: ['1'], name: 'pre-patch', memory: true, timeoutMs: 5000, concurrency: 1, onState: () => {} });
    await provider.snapshot({ action: 'revert', vms: ['1'], name: 'pre-patch', timeoutMs: 5000, concurrency: 1, onState: () => {} });
    await provider.snapshot({ action: 'delete', vms: ['1'], name: 'pre-patch', timeoutMs: 5000, concurrency: 1, onState: () => {} });
    const withDomain = fake.calls.filter((argv) => argv.includes('--domain'));
    expect(withDomain.length).toBe(5);
    for (const argv of withDomain) expect(argv[argv.indexOf('--domain') + 1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.calls).toContainEqual(['virsh', '-c', URI, 'destroy', '--domain', uuid(1)]);
    expect(fake.calls).toContainEqual(['virsh', '-c', URI, 'destroy', '--domain', uuid(3)]);
    expect(fake.domains.map((domain) => domain.state)).toEqual([5, 1, 5]);
  });

  it('names a VM the host does not have, and a domain that vanished', async () => {
    const fake = host(2);
    const provider = new LibvirtProvider(URI, fake.run, 1);
    await provider.list({ tags: false });
    fake.domains.splice(1, 1);
    expect(await provider.power({ action: 'shutdown', vms: ['ghost', 'vm1'], timeoutMs: 5000, concurrency: 2, onState: () => {} })).toEqual([
      { name: 'ghost', outcome: 'error', message: `no domain named ghost on ${URI}` },
      { name: 'vm1', outcome: 'error', message: `domain vm1 is no longer on ${URI}` },
    ]);
  });

  it('builds snapshot-create-as with --disk-only, --quiesce only for a running guest, and --atomic', () => {
    const id = uuid(9);
    expect(LibvirtProvider.snapshotArgs({ action: 'create', name: 'pre-patch' }, id)).toEqual([
      'snapshot-create-as', '--domain', id, '--name', 'pre-patch', '--disk-only', '--quiesce', '--atomic',
    ]);
    expect(LibvirtProvider.snapshotArgs({ action: 'create', name: 'p', quiesce: true }, id, false)).toEqual(['snapshot-create-as', '--domain', id, '--name', 'p', '--disk-only', '--atomic']);
    expect(LibvirtProvider.snapshotArgs({ action: 'create', name: 'p', memory: true }, id)).toEqual(['snapshot-create-as', '--domain', id, '--name', 'p', '--atomic']);
    expect(LibvirtProvider.snapshotArgs({ action: 'revert', name: 'p' }, id)).toEqual(['snapshot-revert', '--domain', id, '--snapshotname', 'p']);
    expect(LibvirtProvider.snapshotArgs({ action: 'delete', name: 'p' }, id)).toEqual(['snapshot-delete', '--domain', id, '--snapshotname', 'p']);
  });

  it('reverts to the snapshot\'s power state and reports it; refuses a bad name without running virsh', async () => {
    const fake = host(2);
    const provider = new LibvirtProvider(URI, fake.run, 1);
    await provider.snapshot({ action: 'create', vms: ['vm0'], name: 'pre-patch', memory: true, timeoutMs: 5000, concurrency: 1, onState: () => {} });
    fake.domains[0]!.state = 5;
    const states: string[] = [];
    expect(
      await provider.snapshot({ action: 'revert', vms: ['vm0', 'vm1'], name: 'pre-patch', timeoutMs: 5000, concurrency: 2, onState: (name, state) => states.push(`${name}:${state}`) }),
    ).toEqual([
      { name: 'vm0', outcome: 'ok' },
      { name: 'vm1', outcome: 'error', message: "virsh snapshot-revert vm1 failed: error: Domain snapshot not found: no domain snapshot with matching name 'pre-patch'" },
    ]);
    expect(states).toEqual(['vm0:running']);
    const before = fake.calls.length;
    const [bad] = await provider.snapshot({ action: 'delete', vms: ['vm0'], name: '--children', timeoutMs: 5000, concurrency: 1, onState: () => {} });
    expect(bad?.message).toMatch(/^snapshot name "--children" is not allowed/);
    expect(fake.calls.length).toBe(before);
  });
});
