// A real host's reboot over ssh: read the boot id, issue the reboot, see the host go down (its boot
// id changes or ssh stops answering), wait until ssh works again and the optional check passes,
// then until the VM provider answers again. The elapsed time is reported throughout.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SshTransport } from '../exec/ssh-transport.js';
import { REBOOT_ISSUE_TIMEOUT_MS, REBOOT_POLL_MS, REBOOT_PROBE_TIMEOUT_MS, REBOOT_PROGRESS_EVERY_MS, PROVIDER_RETRY_MS } from '../limits.js';
import type { Command } from '../runbook/template.js';
import { errorText, runRemote, succeeded } from './provider-exec.js';
import type { HostControl, InventoryProvider, RebootDefaults, RebootRequest, RebootResult } from './provider.js';

export type { RebootDefaults };

import { LINUX_REBOOT } from './linux-reboot.js';

export { LINUX_REBOOT };

export interface SshHostOptions {
  defaults?: RebootDefaults;
  /** After the host is back, the run continues only once the VM provider answers. */
  provider?: InventoryProvider;
  pollMs?: number;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

export class SshHost implements HostControl {
  private readonly defaults: RebootDefaults;
  private readonly pollMs: number;

  constructor(
    private readonly transport: () => SshTransport,
    private readonly options: SshHostOptions = {},
  ) {
    this.defaults = options.defaults ?? LINUX_REBOOT;
    this.pollMs = options.pollMs ?? REBOOT_POLL_MS;
  }

  async reboot(request: RebootRequest): Promise<RebootResult> {
    const transport = this.transport();
    const host = request.host;
    const started = Date.now();
    const deadline = started + request.waitMs;
    const elapsed = () => seconds(Date.now() - started);
    const bootIdCommand = request.bootId ?? this.defaults.bootId;
    const probe = (command: Command) =>
      runRemote(transport, command, { timeoutMs: Math.min(REBOOT_PROBE_TIMEOUT_MS, Math.max(1000, deadline - Date.now())), signal: request.signal });

    const first = await probe(bootIdCommand);
    if (!succeeded(first) || !first.stdout.trim()) {
      return { outcome: 'error', message: `cannot read the boot id of ${host} before the reboot: ${errorText(first)}` };
    }
    const before = first.stdout.trim();
    request.onProgress(`0s: rebooting ${host} (boot id ${before})`);
    const issued = await runRemote(transport, request.command ?? this.defaults.command, {
      timeoutMs: REBOOT_ISSUE_TIMEOUT_MS,
      signal: request.signal,
    });
    // A reboot often takes the connection with it before the command returns: that is success.
    if (!succeeded(issued) && issued.problem === undefined && issued.exitCode !== null) {
      return { outcome: 'error', message: `the reboot command failed on ${host}: ${errorText(issued)}` };
    }
    // The shared connection dies with the host; the probes connect afresh.
    await transport.disconnect();

    let down = false;
    let phase = '';
    let lastReport = 0;
    let last = 'no answer yet';
    const report = (text: string) => {
      if (text !== phase || Date.now() - lastReport >= REBOOT_PROGRESS_EVERY_MS) {
        request.onProgress(`${elapsed()}: ${text}`);
        phase = text;
        lastReport = Date.now();
      }
    };
    while (Date.now() < deadline) {
      if (request.signal?.aborted) return { outcome: 'error', message: `aborted while waiting for ${host} after ${elapsed()}` };
      const now = await probe(bootIdCommand);
      const id = succeeded(now) ? now.stdout.trim() : undefined;
      if (id === undefined) {
        down = true;
        last = `ssh: ${errorText(now)}`;
        report(`${host} is down, waiting for it to come back`);
      } else if (id === before && !down) {
        last = 'still up with the same boot id';
        report(`${host} has not gone down yet (boot id unchanged)`);
      } else {
        down = true;
        const check = request.check ? await probe(request.check) : undefined;
        if (!check || succeeded(check)) {
          request.onProgress(`${elapsed()}: ${host} is back (boot id ${id})`);
          return this.providerAnswers(host, deadline, started, request);
        }
        last = `check failing: ${errorText(check)}`;
        report(`${host} answers ssh (boot id ${id}); waiting for the check to pass`);
      }
      await sleep(Math.min(this.pollMs, Math.max(1, deadline - Date.now())), undefined, { signal: request.signal }).catch(() => {});
    }
    return { outcome: 'timeout', message: `gave up after ${elapsed()}; last: ${last}` };
  }

  private async providerAnswers(host: string, deadline: number, started: number, request: RebootRequest): Promise<RebootResult> {
    const provider = this.options.provider;
    if (!provider) return { outcome: 'back' };
    let last = '';
    for (;;) {
      try {
        await provider.list();
        request.onProgress(`${seconds(Date.now() - started)}: the ${provider.kind} provider on ${host} answers again`);
        return { outcome: 'back' };
      } catch (error) {
        last = (error as Error).message;
      }
      if (request.signal?.aborted) return { outcome: 'error', message: 'aborted while waiting for the VM provider' };
      if (Date.now() >= deadline) return { outcome: 'timeout', message: `${host} is back but its ${provider.kind} provider does not answer: ${last}` };
      request.onProgress(`${seconds(Date.now() - started)}: waiting for the ${provider.kind} provider to answer (${last})`);
      await sleep(Math.min(PROVIDER_RETRY_MS, Math.max(1, deadline - Date.now())), undefined, { signal: request.signal }).catch(() => {});
    }
  }
}
