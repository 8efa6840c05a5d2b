// Placement: planning the drain of one member of a 20-member cluster, each member running 200 VMs
// of mixed sizes with anti-affinity tags, from the built planner (dist/cluster/placement.js).
// `node bench/run.js placement` runs this part alone.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MEMBERS = 20;
const VMS_PER_MEMBER = 200;
const ROUNDS = 20;

function cluster() {
  const vmsOf = (member) =>
    Array.from({ length: VMS_PER_MEMBER }, (_, index) => ({
      name: `m${member}-vm${String(index).padStart(3, '0')}`,
      memory_mib: 512 * ((index % 8) + 1),
      vcpus: (index % 4) + 1,
      tags: index % 10 === 0 ? ['db'] : index % 25 === 0 ? ['no-migrate'] : ['web'],
    }));
  const members = Array.from({ length: MEMBERS }, (_, member) => ({
    name: `pve${String(member + 1).padStart(2, '0')}`,
    memory_free_mib: 64 * 1024 + member * 1024,
    vcpus_free: 96,
    patched: member < MEMBERS / 2,
    vms: vmsOf(member),
  }));
  return { members, vms: members[MEMBERS - 1].vms };
}

export async function placementChecks() {
  const { planPlacement } = await import(pathToFileURL(join(ROOT, 'dist', 'cluster', 'placement.js')).href);
  const { members, vms } = cluster();
  const input = { from: members[MEMBERS - 1].name, vms, members, placement: 'auto', prefer: 'patched', antiAffinity: ['db'] };
  planPlacement(input); // warm up
  const times = [];
  let plan;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    plan = planPlacement(input);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const worst = times[times.length - 1];
  console.log(`placement: ${MEMBERS} members x ${VMS_PER_MEMBER} VMs, draining one: ${plan.moves.length} moves, ${plan.unmovable.length} unmovable, ${plan.unplaced.length} unplaced; median ${times[Math.floor(times.length / 2)].toFixed(2)} ms, worst ${worst.toFixed(2)} ms`);
  return [[`placement plan, ${MEMBERS} hosts x ${VMS_PER_MEMBER} VMs (worst of ${ROUNDS})`, worst, 100, 'ms']];
}
