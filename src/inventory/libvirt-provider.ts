// libvirt through `virsh -c URI`, one argv per call and never a shell string: a VM named
// `evil;$(touch pwned)` is one argument. Every power and snapshot call addresses the domain by the
// UUID read from the list, never by name or id: `virsh --domain 1` means domain id 1 before the
// VM named "1". The list costs three virsh calls whatever the number of domains (plus one batched
// call per LIBVIRT_BATCH_DOMAINS for what a driver's domstats leaves out, and for tags), and VMs
// being watched share one `domstats --state` per poll.
import { randomBytes } from 'node:crypto';
import type { Vm, VmAction, VmResult, VmState } from '../engine/types.js';
import { LIBVIRT_BATCH_DOMAINS, LIST_CONCURRENCY } from '../limits.js';
import {
  domStatsSize,
  domStatsState,
  libvirtState,
  parseDomInfo,
  parseDomStats,
  parseUuidList,
  parseUuidNameList,
  splitMarked,
  tagsFromDomainXml,
  UUID_PATTERN,
  type Domain,
} from './libvirt-parse.js';
import { powerByPolling, StateReader, type Issued } from './power-poll.js';
import { errorText, runLocal, succeeded, type CommandOutput, type CommandRunner } from './provider-exec.js';
import {
  forEachBounded,
  type InventoryProvider,
  type ListOptions,
  type PowerRequest,
  type ProviderDescriptor,
  type SnapshotRequest,
} from './provider.js';
import { LINUX_REBOOT } from './ssh-host.js';
import { snapshotNameProblem } from './snapshot-name.js';
import { capacityFrom, parseFreecellTotal, parseNodeInfo, parseNodeMemStats, unmovableFromDomainXml, type HostCapacity } from '../cluster/capacity-parse.js';

const VERB: Record<VmAction, string> = { shutdown: 'shutdown', poweroff: 'destroy', start: 'start', migrate: 'migrate' };

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

export class LibvirtProvider implements InventoryProvider {
  readonly kind = 'libvirt';
  /** Name → UUID, from the last list. */
  private uuids = new Map<string, string>();
  /** Every name any list has shown, to tell a domain that went from one that never was. */
  private seen = new Set<string>();
  private refreshing: Promise<void> | undefined;
  /** Why a domain cannot live-migrate, from the XML the last list read. */
  private unmovableReasons = new Map<string, string>();

  constructor(
    readonly uri: string,
    private readonly run: CommandRunner = runLocal,
    private readonly pollMs?: number,
  ) {}

  private virsh(args: string[], options?: Parameters<CommandRunner>[1]) {
    return this.run(['virsh', '-c', this.uri, ...args], options);
  }

  /** Runs virsh and returns stdout, or throws "virsh VERB NAME failed: error: …". */
  private async must(verb: string, name: string | undefined, args: string[]): Promise<string> {
    const output = await this.virsh(args);
    if (!succeeded(output)) throw new Error(`virsh ${verb}${name === undefined ? '' : ` ${name}`} failed: ${errorText(output)}`);
    return output.stdout;
  }

  /** Every domain's UUID and name; remembers them for the calls that follow. */
  private async domains(): Promise<Domain[]> {
    const domains = parseUuidNameList(await this.must('list', undefined, ['list', '--all', '--uuid', '--name']));
    this.uuids = new Map(domains.map((domain) => [domain.name, domain.uuid]));
    for (const domain of domains) this.seen.add(domain.name);
    return domains;
  }

  /**
   * `virsh VERB --domain UUID` for many domains in one virsh process (one connection), each
   * section headed by a random mark. UUIDs are the only words put into virsh's command line.
   */
  private async batch(verb: 'dominfo' | 'dumpxml', uuids: string[]): Promise<Map<string, string>> {
    const sections = new Map<string, string>();
    await forEachBounded(chunks(uuids, LIBVIRT_BATCH_DOMAINS), LIST_CONCURRENCY, async (chunk) => {
      const mark = `@@patchwalk-${randomBytes(8).toString('hex')}`;
      const script = chunk
        .filter((uuid) => UUID_PATTERN.test(uuid))
        .map((uuid) => `echo ${mark} ${uuid}; ${verb} --domain ${uuid}`)
        .join('; ');
      const output = await this.virsh([script]);
      // virsh goes on after a domain that vanished meanwhile; its exit code is the last command's.
      if (output.problem || !output.stdout.includes(mark)) throw new Error(`virsh ${verb} failed: ${errorText(output)}`);
      for (const [uuid, text] of splitMarked(output.stdout, mark)) sections.set(uuid, text);
    });
    return sections;
  }

  async list(options: ListOptions = {}): Promise<Vm[]> {
    // Side by side; when several fail (no daemon), the message is the list's, whichever lost the race.
    const settled = await Promise.allSettled([
      this.domains(),
      this.must('list', undefined, ['list', '--all', '--autostart', '--uuid']).then(parseUuidList),
      this.must('domstats', undefined, ['domstats', '--state', '--vcpu', '--balloon']).then(parseDomStats),
    ] as const);
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    const [domains, autostart, stats] = settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
      Domain[],
      Set<string>,
      Map<string, Map<string, string>>,
    ];
    // Drivers whose domstats has no vcpu or balloon group (the test driver) are asked per domain.
    const unsized = domains.filter((domain) => !domStatsSize(stats.get(domain.name))).map((domain) => domain.uuid);
    const [infos, xmls] = await Promise.all([
      unsized.length > 0 ? this.batch('dominfo', unsized) : new Map<string, string>(),
      options.tags === false ? undefined : this.batch('dumpxml', domains.map((domain) => domain.uuid)),
    ]);
    const vms: Vm[] = [];
    if (xmls) this.unmovableReasons = new Map();
    for (const domain of domains) {
      const reason = xmls ? unmovableFromDomainXml(xmls.get(domain.uuid) ?? '') : undefined;
      if (reason) this.unmovableReasons.set(domain.name, reason);
      const domainStats = stats.get(domain.name);
      let size = domStatsSize(domainStats);
      let state = domainStats ? domStatsState(domainStats) : undefined;
      if (!size) {
        const info = parseDomInfo(infos.get(domain.uuid) ?? '');
        // Gone between the list and the question: it is not on the host any more.
        if (info.uuid.toLowerCase() !== domain.uuid) continue;
        size = { vcpus: info.vcpus, memoryMib: info.memoryMib };
        state ??= info.state;
      }
      vms.push({
        name: domain.name,
        id: domain.uuid,
        state: state ?? 'unknown',
        vcpus: size.vcpus,
        memory_mib: size.memoryMib,
        tags: xmls ? tagsFromDomainXml(xmls.get(domain.uuid) ?? '') : [],
        autostart: autostart.has(domain.uuid),
      });
    }
    return vms;
  }

  /**
   * The host's room for migrated VMs: logical CPUs from nodeinfo, memory it can give from
   * nodememstats (free, buffers and cache; freecell's total where the driver has no memory stats),
   * and the vCPUs of the domains running there.
   */
  async capacity(): Promise<HostCapacity> {
    const [info, memoryMib, vms] = await Promise.all([
      this.must('nodeinfo', undefined, ['nodeinfo']).then(parseNodeInfo),
      this.virsh(['nodememstats']).then(async (output) =>
        succeeded(output) ? parseNodeMemStats(output.stdout) : parseFreecellTotal(await this.must('freecell', undefined, ['freecell', '--all'])),
      ),
      this.list({ tags: false }),
    ]);
    const runningVcpus = vms.filter((vm) => vm.state === 'running' || vm.state === 'paused').reduce((sum, vm) => sum + vm.vcpus, 0);
    return capacityFrom({ cpus: info.cpus, memoryAvailableMib: memoryMib, runningVcpus });
  }

  /** Domains with a host device passed through cannot live-migrate; read from their XML. */
  async unmovable(): Promise<Map<string, string>> {
    await this.list();
    return new Map(this.unmovableReasons);
  }

  /** The UUID of the VM named `name`, from the last list (read again once for a name it lacks). */
  private async uuidOf(name: string): Promise<string> {
    if (!this.uuids.has(name)) {
      this.refreshing ??= this.domains()
        .then(() => undefined)
        .finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    const uuid = this.uuids.get(name);
    if (!uuid) throw new Error(this.missing(name));
    return uuid;
  }

  private missing(name: string): string {
    return this.seen.has(name) ? `domain ${name} is no longer on ${this.uri}` : `no domain named ${name} on ${this.uri}`;
  }

  /** Every domain's state now, by name, in one call. */
  private async states(): Promise<Map<string, VmState>> {
    const stats = parseDomStats(await this.must('domstats', undefined, ['domstats', '--state']));
    return new Map([...stats].map(([name, fields]) => [name, domStatsState(fields)]));
  }

  /** The argv of one power change, for tests and dry runs; `domain` is the domain's UUID. */
  static powerArgs(action: VmAction, domain: string, to?: string): string[] {
    if (action === 'migrate') return ['migrate', '--live', '--persistent', '--undefinesource', '--verbose', '--domain', domain, '--desturi', to ?? ''];
    return [VERB[action], '--domain', domain];
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return powerByPolling(
      request,
      {
        issue: async (action, name, { to, timeoutMs, signal }) => {
          if (action === 'migrate' && !to) return 'live migration needs a destination (migrate: { to: URI })';
          let uuid: string;
          try {
            uuid = await this.uuidOf(name);
          } catch (error) {
            return (error as Error).message;
          }
          if (action === 'shutdown') return this.shutdownAndLook(name, uuid, signal);
          const output = await this.virsh(LibvirtProvider.powerArgs(action, uuid, to), action === 'migrate' ? { timeoutMs, signal } : { signal });
          if (succeeded(output)) return undefined;
          return `virsh ${VERB[action]} ${name} failed: ${errorText(output)}`;
        },
        states: async (names) => {
          // A name the list never had is an error of its own, not a vanished domain.
          await Promise.all(names.map((name) => this.uuidOf(name).catch(() => undefined)));
          return this.states();
        },
        missing: (name) => this.missing(name),
        // virDomainCreate and virDomainDestroy return once the domain runs, or is off.
        settles: (action) => action === 'start' || action === 'poweroff',
      },
      this.pollMs,
    );
  }

  /**
   * A graceful shutdown and a look at the domain's state right after, in one virsh process: a
   * guest that goes down at once (or a driver that shuts down synchronously) needs no poll.
   */
  private async shutdownAndLook(name: string, uuid: string, signal: AbortSignal): Promise<string | Issued> {
    if (!UUID_PATTERN.test(uuid)) return `virsh shutdown ${name} failed: bad UUID ${uuid}`;
    const output = await this.virsh([`shutdown --domain ${uuid}; domstate --domain ${uuid}`], { signal });
    // virsh goes on after a failed command and exits with the last one's status.
    const failed = output.stderr.split('\n').find((line) => line.startsWith('error:'));
    if (output.problem || failed || output.exitCode !== 0) return `virsh shutdown ${name} failed: ${output.problem ?? failed ?? errorText(output)}`;
    const lines = output.stdout.split('\n').filter((line) => line.trim() !== '');
    return { state: libvirtState(lines[lines.length - 1] ?? '') };
  }

  // Snapshots ------------------------------------------------------------------------------------

  /** The argv of one snapshot call; `domain` is the domain's UUID. */
  static snapshotArgs(request: Pick<SnapshotRequest, 'action' | 'name' | 'memory' | 'quiesce'>, domain: string, running = true): string[] {
    switch (request.action) {
      case 'create': {
        const args = ['snapshot-create-as', '--domain', domain, '--name', request.name];
        // Without memory, an external disk-only snapshot; quiescing needs the guest agent, so a
        // running guest.
        if (!request.memory) {
          args.push('--disk-only');
          if (request.quiesce !== false && running) args.push('--quiesce');
        }
        args.push('--atomic');
        return args;
      }
      case 'revert':
        return ['snapshot-revert', '--domain', domain, '--snapshotname', request.name];
      case 'delete':
        return ['snapshot-delete', '--domain', domain, '--snapshotname', request.name];
    }
  }

  async snapshot(request: SnapshotRequest): Promise<VmResult[]> {
    const problem = snapshotNameProblem(request.name);
    if (problem) return request.vms.map((name) => ({ name, outcome: 'error', message: problem }));
    const reader = new StateReader({ states: () => this.states(), missing: (name) => this.missing(name) });
    return forEachBounded(request.vms, request.concurrency, async (name): Promise<VmResult> => {
      let uuid: string;
      try {
        uuid = await this.uuidOf(name);
      } catch (error) {
        return { name, outcome: 'error', message: (error as Error).message };
      }
      const running = request.action === 'create' && !request.memory ? (await reader.read(name)) === 'running' : true;
      const args = LibvirtProvider.snapshotArgs(request, uuid, running);
      const output: CommandOutput = await this.virsh(args, { timeoutMs: request.timeoutMs, signal: request.signal });
      if (output.problem === 'timed out') return { name, outcome: 'timeout', message: `virsh ${args[0]} ${name} timed out` };
      if (!succeeded(output)) {
        const text = errorText(output);
        const hint = /agent/i.test(text) && args.includes('--quiesce') ? '; without a guest agent, set quiesce: false' : '';
        return { name, outcome: 'error', message: `virsh ${args[0]} ${name} failed: ${text}${hint}` };
      }
      if (request.action === 'revert') {
        // A revert lands the VM in the snapshot's power state.
        const state = await reader.read(name);
        if (!(state instanceof Error)) request.onState(name, state);
      }
      return { name, outcome: 'ok' };
    });
  }
}

export const libvirtProvider: ProviderDescriptor = {
  kind: 'libvirt',
  settings: { uri: { required: true, missing: 'inventory: provider libvirt needs a uri, e.g. qemu+ssh://root@{{ host }}/system' } },
  // virsh runs here and reaches the host through its URI (qemu+ssh://…).
  ssh: false,
  flavour: 'posix',
  reboot: LINUX_REBOOT,
  snapshots: true,
  create: ({ uri, run }) => new LibvirtProvider(uri ?? '', run),
};
