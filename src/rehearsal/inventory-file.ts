// A saved inventory for a rehearsal: what `patchwalk vms FILE --json` printed, given back with
// `run FILE --rehearse --inventory inv.json`. It comes from a file anyone may have edited, so it is
// bounded and checked field by field before a simulated host is built from it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import type { Vm } from '../engine/types.js';
import { UsageError } from '../exit-codes.js';
import { REHEARSAL_INVENTORY_MAX_BYTES, REHEARSAL_INVENTORY_MAX_VMS } from '../limits.js';

const VM_STATE = z.enum(['running', 'shut-off', 'paused', 'shutting-down', 'starting', 'migrating', 'migrated', 'unknown']);

/** One VM as `vms --json` prints it: the provider's fields and the planned action. */
const SavedVm = z.object({
  name: z.string().min(1).max(1024),
  id: z.union([z.string().max(1024), z.number()]).transform(String).optional(),
  state: VM_STATE,
  vcpus: z.number().int().min(0).max(100_000).optional(),
  memory_mib: z.number().int().min(0).max(1 << 30).optional(),
  tags: z.array(z.string().max(1024)).max(1000).optional(),
  autostart: z.boolean().optional(),
  startOrder: z.number().int().optional(),
  lock: z.string().max(1024).optional(),
  system: z.literal(true).optional(),
  detail: z.string().max(1024).optional(),
  /** A cluster runbook's listing: the member the VM runs on, and why it cannot move. */
  host: z.string().min(1).max(1024).optional(),
  unmovable: z.string().max(1024).optional(),
  planned_action: z.string().optional(),
});

const SavedInventory = z.array(SavedVm).max(REHEARSAL_INVENTORY_MAX_VMS);

/** The file's text, refused past the size bound before it is read whole. */
function readBounded(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new UsageError(`--inventory ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`--inventory ${file}: not a regular file`);
    if (stat.size > REHEARSAL_INVENTORY_MAX_BYTES) {
      throw new UsageError(`--inventory ${file}: ${stat.size} bytes, and a saved inventory may have at most ${REHEARSAL_INVENTORY_MAX_BYTES}`);
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const got = readSync(fd, buffer, read, stat.size - read, read);
      if (got === 0) break;
      read += got;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The path of a zod issue as a field name: `[3].state`. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '') || '(the whole file)';
}

/** The VMs of a saved inventory, or a UsageError (exit 2) naming the file and the field. */
export function readSavedInventory(file: string): Vm[] {
  const text = readBounded(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--inventory ${file}: not JSON (${(error as Error).message}); save one with: patchwalk vms RUNBOOK --json > ${file}`);
  }
  const parsed = SavedInventory.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue ? fieldOf(issue.path) : '(the whole file)';
    const name = issue && typeof issue.path[0] === 'number' && Array.isArray(data) ? (data[issue.path[0]] as { name?: unknown } | undefined)?.name : undefined;
    const vm = typeof name === 'string' ? ` (VM ${JSON.stringify(name)})` : '';
    throw new UsageError(`--inventory ${file}: ${at}${vm}: ${issue?.message ?? 'not an inventory'}; expected the output of patchwalk vms RUNBOOK --json`);
  }
  const seen = new Set<string>();
  return parsed.data.map((vm, index) => {
    if (seen.has(vm.name)) throw new UsageError(`--inventory ${file}: [${index}].name: VM ${JSON.stringify(vm.name)} is listed twice`);
    seen.add(vm.name);
    const { planned_action: _planned, ...rest } = vm;
    return {
      ...rest,
      id: rest.id ?? String(index + 1),
      vcpus: rest.vcpus ?? 1,
      memory_mib: rest.memory_mib ?? 1024,
      tags: rest.tags ?? [],
      autostart: rest.autostart ?? false,
    };
  });
}

/**
 * A cluster rehearsal's saved inventory names, for each VM, the member it sits on; one the runbook
 * does not have is refused (exit 2) before anything is recorded.
 */
export function checkSavedMembers(file: string, vms: readonly Vm[], members: readonly string[]): void {
  const known = new Set(members);
  vms.forEach((vm, index) => {
    if (vm.host === undefined) {
      throw new UsageError(`--inventory ${file}: [${index}].host (VM ${JSON.stringify(vm.name)}): missing; a cluster runbook needs the member of each VM, as patchwalk vms CLUSTER.yaml --json prints it`);
    }
    if (!known.has(vm.host)) {
      throw new UsageError(`--inventory ${file}: [${index}].host (VM ${JSON.stringify(vm.name)}): member ${JSON.stringify(vm.host)} is not a member of this cluster (${members.join(', ')})`);
    }
  });
}
