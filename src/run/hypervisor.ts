// Picks the inventory provider and host control a runbook names.
import type { Runbook } from '../runbook/schema.js';
import { SimHost } from '../inventory/sim-host.js';
import type { HostControl, InventoryProvider } from '../inventory/provider.js';
import { UsageError } from '../exit-codes.js';

export interface Hypervisor {
  provider: InventoryProvider;
  host: HostControl;
}

export function simSpeed(env: NodeJS.ProcessEnv = process.env): number {
  const speed = Number(env.PATCHWALK_SIM_SPEED ?? '1');
  return Number.isFinite(speed) && speed > 0 ? speed : 1;
}

export interface HypervisorOptions {
  /** sim: keep the simulated VM states in this file (the run's folder), and start from it. */
  simStateFile?: string;
}

export function hypervisorFor(runbook: Runbook, options: HypervisorOptions = {}): Hypervisor {
  const inventory = runbook.inventory ?? { provider: 'sim' as const };
  if (inventory.provider === 'sim') {
    const sim = new SimHost({ vms: inventory.vms, rebootTime: inventory.reboot_time, speed: simSpeed(), stateFile: options.simStateFile });
    return { provider: sim, host: sim };
  }
  throw new UsageError(`inventory provider "${inventory.provider}" is not available in this version of patchwalk; use provider: sim to rehearse`);
}
