// Rolling: 5 simulated members × 100 VMs, every member drained, patched, rebooted and given its
// VMs back, through the real engine, driver and simulated cluster with simulated time at ~0.
// What remains is patchwalk's own orchestration: printed per VM moved.
// `node bench/run.js rolling` runs this part alone.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MEMBERS = 5;
const VMS_PER_MEMBER = 100;
/** Per VM moved (away and back counted apart). */
const OVERHEAD_LIMIT_MS = 5;

const load = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

function runbook() {
  const names = Array.from({ length: MEMBERS }, (_, index) => `node${index + 1}`);
  const vms = names.flatMap((host, member) =>
    Array.from({ length: VMS_PER_MEMBER }, (_, index) => ({ name: `m${member}-vm${String(index).padStart(3, '0')}`, host, memory_mib: 512 * ((index % 4) + 1), vcpus: 1, tags: [], autostart: true })),
  );
  return {
    names,
    runbook: {
      runbook: 1,
      title: 'bench rolling',
      unattended: true,
      cluster: { name: 'bench', members: names.map((name) => ({ name })), anti_affinity: ['db'] },
      rolling: { order: 'fewest-vms-first', pause_between: 'none' },
      inventory: { provider: 'sim', reboot_time: '1s', capacity: { memory_mib: 1_000_000, vcpus: 10_000 }, vms },
      steps: [],
      per_host: [
        { id: 'drain', title: 'Drain', drain: {} },
        { id: 'reboot', title: 'Reboot', reboot: { confirm: 'none', wait: '1m' } },
        { id: 'home', title: 'Home', return: {} },
      ],
    },
  };
}

export async function rollingChecks() {
  process.env.PATCHWALK_SIM_SPEED = '1000000';
  const { initialState } = await load('engine/engine.js');
  const { RunDriver } = await load('run/drive-run.js');
  const { clusterHypervisor } = await load('rolling/cluster-hypervisor.js');
  const { hypervisorFor } = await load('run/hypervisor.js');
  const { names, runbook: book } = runbook();
  const members = names.map((name) => ({ name, vars: {} }));
  const state = initialState(book, { yes: true, dryRun: false, pauseToRead: false, runId: 'bench', operator: 'bench' }, {}, members);
  const hypervisor = clusterHypervisor(state.runbook, members, {}, hypervisorFor);
  const driver = new RunDriver(state, {
    provider: hypervisor.provider,
    host: hypervisor.host,
    cluster: hypervisor.cluster,
    prompter: { ask: async () => { throw new Error('bench: unexpected question'); } },
    exec: async () => ({ exitCode: 0, timedOut: false, aborted: false, durationMs: 0, stdout: '' }),
    observer: {},
  });
  const started = process.hrtime.bigint();
  const end = await driver.run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (end.phase !== 'done') throw new Error(`bench rolling ended ${end.phase}: ${end.outcome}`);
  const moved = end.rolling.moves.length;
  const home = end.vms.filter((vm) => vm.host === end.rolling.placementBefore[vm.name]).length;
  console.log(`rolling: ${MEMBERS} members × ${VMS_PER_MEMBER} VMs: ${moved} migrations in ${ms.toFixed(0)} ms (${home}/${end.vms.length} VMs home)`);
  return [
    [`rolling ${MEMBERS}×${VMS_PER_MEMBER}: orchestration per VM moved`, ms / moved, OVERHEAD_LIMIT_MS, 'ms'],
    ['rolling: VMs not back home', end.vms.length - home, 0, ''],
  ];
}
