// What a rehearsal puts in place of the real host and the real command runner, for a run or a
// resumed one: the session asks for these when its run is a rehearsal.
import { existsSync } from 'node:fs';
import type { ExecRequest, ExecResult } from '../exec/exec-request.js';
import type { SshConnections } from '../exec/ssh-transport.js';
import { providerDescriptor } from '../inventory/provider-registry.js';
import { simSpeed } from '../inventory/sim-host.js';
import { hypervisorFor, type Hypervisor } from '../run/hypervisor.js';
import type { Runbook } from '../runbook/schema.js';
import { RehearsalHost, rehearsalInventoryPath } from './rehearsal-host.js';
import { cannedResult, rehearsedExec } from './rehearsed-exec.js';

export interface RehearsalSetup {
  runbook: Runbook;
  runDir: string;
  stateFile: string;
  params: () => Record<string, string>;
  connections: SshConnections;
  mask: (text: string) => string;
}

/**
 * The simulated host of a rehearsal. A runbook on the built-in simulated host rehearses on it as
 * written (its VMs and their timings), unless a saved inventory was given; any other provider is
 * read once, read-only, and copied onto a simulated host.
 */
export function rehearsalHypervisor(setup: RehearsalSetup): Hypervisor {
  const { runbook, runDir, stateFile } = setup;
  const simulated = providerDescriptor(runbook.inventory?.provider ?? 'sim')?.simulated;
  const real = () => hypervisorFor(runbook, { params: setup.params, connections: setup.connections, simStateFile: stateFile });
  if (simulated && !existsSync(rehearsalInventoryPath(runDir))) {
    const sim = real();
    // Nothing runs on a rehearsal box either: the runner below never uses the destination.
    return { provider: sim.provider, host: sim.host };
  }
  let provider: Hypervisor['provider'] | undefined;
  const host = new RehearsalHost({ runDir, stateFile, readReal: (options) => (provider ??= real().provider).list(options) });
  return { provider: host, host };
}

/** The command runner of a rehearsal: nothing is executed; each step's canned result is played. */
export function rehearsalExec(setup: Pick<RehearsalSetup, 'runbook' | 'mask'>): (request: ExecRequest) => Promise<ExecResult> {
  return rehearsedExec({ canned: (stepId) => cannedResult(setup.runbook, stepId), mask: setup.mask, speed: simSpeed() });
}
