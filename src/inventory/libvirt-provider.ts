// libvirt through `virsh -c URI`, one argv per call and never a shell string: a VM named
// `evil;$(touch pwned)` is one argument. The name always follows --domain, so a name that starts
// with a dash is not read as an option.
import type { Vm, VmAction, VmResult } from '../engine/types.js';
import { LIST_CONCURRENCY } from '../limits.js';
import { parseDomInfo, parseNameList, libvirtState, tagsFromDomainXml } from './libvirt-parse.js';
import { powerByPolling } from './power-poll.js';
import { errorText, runLocal, succeeded, type CommandRunner } from './provider-exec.js';
import { forEachBounded, type InventoryProvider, type PowerRequest } from './provider.js';

const VERB: Record<VmAction, string> = { shutdown: 'shutdown', poweroff: 'destroy', start: 'start', migrate: 'migrate' };

export class LibvirtProvider implements InventoryProvider {
  readonly kind = 'libvirt';

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

  async list(): Promise<Vm[]> {
    const names = parseNameList(await this.must('list', undefined, ['list', '--all', '--name']));
    return forEachBounded(names, LIST_CONCURRENCY, async (name) => {
      const info = parseDomInfo(await this.must('dominfo', name, ['dominfo', '--domain', name]));
      const xml = await this.must('dumpxml', name, ['dumpxml', '--domain', name]);
      return {
        name,
        id: info.uuid || name,
        state: info.state,
        vcpus: info.vcpus,
        memory_mib: info.memoryMib,
        tags: tagsFromDomainXml(xml),
        autostart: info.autostart,
      };
    });
  }

  /** The argv of one power change, for tests and dry runs. */
  static powerArgs(action: VmAction, name: string, to?: string): string[] {
    if (action === 'migrate') return ['migrate', '--live', '--persistent', '--undefinesource', '--verbose', '--domain', name, '--desturi', to ?? ''];
    return [VERB[action], '--domain', name];
  }

  async power(request: PowerRequest): Promise<VmResult[]> {
    return powerByPolling(
      request,
      {
        issue: async (action, name, { to, timeoutMs, signal }) => {
          if (action === 'migrate' && !to) return 'live migration needs a destination (migrate: { to: URI })';
          const output = await this.virsh(LibvirtProvider.powerArgs(action, name, to), action === 'migrate' ? { timeoutMs, signal } : { signal });
          if (succeeded(output)) return undefined;
          return `virsh ${VERB[action]} ${name} failed: ${errorText(output)}`;
        },
        state: async (name) => libvirtState(await this.must('domstate', name, ['domstate', '--domain', name])),
      },
      this.pollMs,
    );
  }
}
