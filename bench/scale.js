// VM scale: the simulated host at 500 and 5,000 VMs, every VM shut down and started again in a
// `run --plain --yes`, with the time per VM at each size; and a replay of 100,000 journal events,
// what `resume` does before it shows anything (VM state events, the bulk of a long journal).
// Also the engine's longest single event at each size. `node bench/run.js scale` runs this part alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const SIZES = [500, 5000];
const REPLAY_EVENTS = 100_000;

function runbook(vms) {
  const list = Array.from({ length: vms }, (_, index) => `    - { name: vm${String(index).padStart(5, '0')} }`).join('\n');
  return `runbook: 1\ntitle: Scale ${vms}\nunattended: true\ninventory:\n  provider: sim\n  vms:\n${list}\nsteps:\n  - { id: stop, title: Stop, shutdown: { select: running, concurrency: 64 } }\n  - { id: up, title: Start, start: { select: stopped-by-this-run, concurrency: 64 } }\n`;
}

/** Wall time and peak RSS (from /usr/bin/time-free sampling of /proc) of one run. */
function timedRun(file, state) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, 'run', file, '--plain', '--yes'], {
      env: { ...process.env, NO_COLOR: '1', PATCHWALK_STATE_DIR: state, PATCHWALK_SIM_SPEED: '1000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let peakKb = 0;
    const sample = setInterval(async () => {
      try {
        const { readFileSync } = await import('node:fs');
        const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // Exited.
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(sample);
      resolve({ code, wallS: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peakKb / 1024 });
    });
  });
}

async function replaySeconds() {
  const { initialState, reduce } = await import(pathToFileURL(join(ROOT, 'dist', 'engine', 'engine.js')).href);
  const { loadRunbookText } = await import(pathToFileURL(join(ROOT, 'dist', 'runbook', 'load.js')).href);
  const loaded = loadRunbookText('scale.yaml', runbook(500));
  let state = initialState(loaded.runbook, { yes: true, dryRun: false, pauseToRead: false, runId: 'bench', operator: 'bench' });
  state = reduce(state, { type: 'start', at: 0 });
  const vms = Array.from({ length: 500 }, (_, index) => ({ name: `vm${String(index).padStart(5, '0')}`, id: String(index), state: 'running', vcpus: 1, memory_mib: 1, tags: [], autostart: false }));
  state = reduce(state, { type: 'inventory-loaded', effectId: state.effect.id, vms, at: 1 });
  const states = ['shutting-down', 'shut-off', 'starting', 'running'];
  const started = process.hrtime.bigint();
  for (let index = 0; index < REPLAY_EVENTS; index++) {
    state = reduce(state, { type: 'vm-state', name: vms[index % vms.length].name, state: states[Math.floor(index / vms.length) % states.length], at: index });
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The engine's longest single event on the way through the scale runbook (the inventory, the
 * shutdown and the start, each a batch of every VM): one event is one block of the event loop, so
 * it must grow with the VMs, never with their square. The best of 5 rounds, in ms.
 */
async function longestEventMs(size) {
  const { initialState, reduce } = await import(pathToFileURL(join(ROOT, 'dist', 'engine', 'engine.js')).href);
  const { loadRunbookText } = await import(pathToFileURL(join(ROOT, 'dist', 'runbook', 'load.js')).href);
  const loaded = loadRunbookText('scale.yaml', runbook(size));
  const vms = Array.from({ length: size }, (_, index) => ({ name: `vm${String(index).padStart(5, '0')}`, id: String(index), state: 'running', vcpus: 1, memory_mib: 1, tags: [], autostart: false }));
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let state = initialState(loaded.runbook, { yes: true, dryRun: false, pauseToRead: false, runId: 'bench', operator: 'bench' });
    let longest = 0;
    const timed = (event) => {
      const started = process.hrtime.bigint();
      state = reduce(state, event);
      longest = Math.max(longest, Number(process.hrtime.bigint() - started) / 1e6);
    };
    timed({ type: 'start', at: 0 });
    for (let at = 1; state.effect && at < 20; at++) {
      const effect = state.effect;
      if (effect.type === 'inventory') timed({ type: 'inventory-loaded', effectId: effect.id, vms: structuredClone(vms), at });
      else if (effect.type === 'vm-power') timed({ type: 'vm-power-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' })), at });
      else break;
    }
    if (state.phase !== 'done') throw new Error(`the scale runbook ended ${state.phase} in the engine bench: ${state.outcome ?? ''}`);
    best = Math.min(best, longest);
  }
  return best;
}

export async function scaleChecks() {
  const work = mkdtempSync(join(tmpdir(), 'patchwalk-bench-scale-'));
  try {
    const results = new Map();
    for (const size of SIZES) {
      const file = join(work, `sim-${size}.yaml`);
      writeFileSync(file, runbook(size));
      const result = await timedRun(file, join(work, `state-${size}`));
      results.set(size, result);
      process.stderr.write(`  measured ${size} VMs: ${result.wallS.toFixed(2)}s, ${(result.wallS * 1000 / size).toFixed(2)} ms per VM, peak RSS ${result.peakMb.toFixed(0)} MB, exit ${result.code}\n`);
    }
    const small = results.get(SIZES[0]);
    const large = results.get(SIZES[1]);
    const perVm = (result, size) => (result.code === 0 ? (result.wallS * 1000) / size : Number.NaN);
    const replay = await replaySeconds();
    process.stderr.write(`  measured replay of ${REPLAY_EVENTS} events: ${replay.toFixed(2)}s\n`);
    const [eventSmall, eventLarge] = [await longestEventMs(SIZES[0]), await longestEventMs(SIZES[1])];
    process.stderr.write(`  measured the engine's longest event: ${eventSmall.toFixed(1)} ms at ${SIZES[0]} VMs, ${eventLarge.toFixed(1)} ms at ${SIZES[1]}\n`);
    return [
      [`sim run, time per VM at ${SIZES[1]} over at ${SIZES[0]}`, perVm(large, SIZES[1]) / perVm(small, SIZES[0]), 1.5, 'x'],
      [`sim run, ${SIZES[1]} VMs, wall`, large.code === 0 ? large.wallS : Number.NaN, 60, ' s'],
      [`sim run, ${SIZES[1]} VMs, peak RSS`, large.peakMb, 250, ' MB'],
      [`replay of ${REPLAY_EVENTS / 1000}k journal events (resume)`, replay, 1, ' s'],
      // Ten times the VMs is ten times the work at most, with room for the machine's noise.
      [`engine's longest event, ${SIZES[1]} VMs over ${SIZES[0]}`, eventLarge / eventSmall, 15, 'x'],
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
