// `npm run bench`: the built console in a 24x80 pseudo-terminal, beside a naive Ink component and
// the producer alone, on a paced upgrade-like log and a burst; then the console's key latency with
// 5,000 VMs. Prints one table of figures and a verdict per target.
// `node bench/run.js output`, `keys`, `exec` or `libvirt` runs one part.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import { benchStartup } from './startup.js';
import { execChecks } from './exec.js';
import { scaleChecks } from './scale.js';
import { KEY_VMS, measureKeys } from './keys.js';
import { runLibvirtBench } from './libvirt.js';
import { placementChecks } from './placement.js';
import { rollingChecks } from './rolling.js';

const fmtFigure = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));
/** Prints the targets and their verdicts; returns how many were missed. */
function verdicts(checks) {
  console.log('');
  console.log(`${'target'.padEnd(50)} ${'figure'.padStart(10)} ${'limit'.padStart(9)}  verdict`);
  let missed = 0;
  for (const [name, value, limit, unit] of checks) {
    const ok = Number.isFinite(value) && value <= limit;
    if (!ok) missed++;
    console.log(`${name.padEnd(50)} ${`${fmtFigure(value)}${unit}`.padStart(10)} ${`${limit}${unit}`.padStart(9)}  ${ok ? 'ok' : 'OVER'}`);
  }
  return missed;
}

// `node bench/run.js exec`: only the report and supervisor figures.
if (process.argv[2] === 'exec') {
  process.stderr.write('bench: report and supervisor\n');
  process.exitCode = verdicts(await execChecks()) ? 1 : 0;
  process.exit();
}

// `node bench/run.js scale`: only the VM-scale and replay figures.
if (process.argv[2] === 'scale') {
  process.stderr.write('bench: VM scale and replay\n');
  process.exitCode = verdicts(await scaleChecks()) ? 1 : 0;
  process.exit();
}

// `node bench/run.js placement`: only the cluster placement planner.
if (process.argv[2] === 'placement') {
  process.stderr.write('bench: placement planner\n');
  process.exitCode = verdicts(await placementChecks()) ? 1 : 0;
  process.exit();
}

// `node bench/run.js rolling`: only the rolling of a simulated cluster.
if (process.argv[2] === 'rolling') {
  process.stderr.write('bench: rolling\n');
  process.exitCode = verdicts(await rollingChecks()) ? 1 : 0;
  process.exit();
}

// `node bench/run.js libvirt` (or PATCHWALK_BENCH=libvirt) runs the libvirt bench alone.
if (process.argv.includes('libvirt') || process.env.PATCHWALK_BENCH === 'libvirt') {
  const { failed } = await runLibvirtBench();
  process.exit(failed ? 1 : 0);
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const PRODUCER = join(ROOT, 'bench', 'producer.js');
const NAIVE = join(ROOT, 'bench', 'naive.js');
const COLS = 80;
const ROWS = 24;
const quick = process.argv.includes('--quick');
// `node bench/run.js startup` runs that section alone (exec and libvirt are handled above).
if (process.argv.slice(2).includes('startup')) process.exit((await benchStartup({ quick })) ? 1 : 0);
const PARTS = ['output', 'keys'];
const chosen = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
for (const part of chosen) if (!PARTS.includes(part)) throw new Error(`unknown bench part "${part}": choose from ${PARTS.join(', ')}`);
const runs = (part) => chosen.length === 0 || chosen.includes(part);
const PACED_LINES = quick ? 20_000 : 200_000;
const RATE = 5000;
const NAIVE_LINES = quick ? 5_000 : 20_000;
const BURST_LINES = 1_000_000;
const work = mkdtempSync(join(tmpdir(), 'patchwalk-bench-'));

function runbookFor(argv) {
  const file = join(work, `bench-${Math.random().toString(36).slice(2)}.yaml`);
  const args = argv.map((arg) => JSON.stringify(arg)).join(', ');
  writeFileSync(file, `runbook: 1\ntitle: bench\nsteps:\n  - id: produce\n    title: Produce output\n    run: [${args}]\n`);
  return file;
}

function peakRssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Runs argv in a pty; resolves when `doneWhen` shows up in the output (or the process exits). */
function measure(label, argv, { doneWhen, env = {} } = {}) {
  return new Promise((resolve) => {
    const report = join(work, `${label.replace(/\W+/g, '-')}.json`);
    const probeReport = join(work, `${label.replace(/\W+/g, '-')}-probe.json`);
    // The reference probe runs beside it, so both see the same machine load.
    const probe = spawn('node', [join(ROOT, 'bench', 'probe.js'), probeReport], { stdio: 'ignore' });
    const probeDone = new Promise((done) => probe.once('exit', done));
    const started = process.hrtime.bigint();
    const child = pty.spawn(argv[0], argv.slice(1), {
      name: 'xterm-256color',
      cols: COLS,
      rows: ROWS,
      cwd: ROOT,
      env: { ...process.env, TERM: 'xterm-256color', PATCHWALK_BENCH_REPORT: report, PATCHWALK_STATE_DIR: work, ...env },
    });
    let bytes = 0;
    let tail = '';
    let wallMs;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRssOf(child.pid))), 100);
    const finish = () => (wallMs ??= Number(process.hrtime.bigint() - started) / 1e6);
    child.onData((data) => {
      bytes += Buffer.byteLength(data);
      if (doneWhen && wallMs === undefined) {
        tail = (tail + data).slice(-4096);
        if (tail.includes(doneWhen)) {
          finish();
          child.write('\r');
        }
      }
    });
    child.onExit(async ({ exitCode }) => {
      finish();
      clearInterval(sampler);
      probe.kill('SIGTERM');
      await probeDone;
      let inner = {};
      let probed = {};
      try {
        inner = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        // Only patchwalk reports from inside.
      }
      try {
        probed = JSON.parse(readFileSync(probeReport, 'utf8'));
      } catch {
        // A probe that could not report leaves the ratio unknown.
      }
      resolve({ label, exitCode, wallMs, bytes, peakRssMb: Math.max(peak, inner.peakRssMb ?? 0), maxStallMs: inner.maxStallMs, probeStallMs: probed.maxStallMs, cpuMs: inner.cpuMs });
    });
  });
}

// The CLI as installed: its shebang carries the heap flags.
const patchwalk = (producerArgv, label) => measure(label, [CLI, 'run', runbookFor(producerArgv)], { doneWhen: 'Run complete' });

const results = [];
const log = (result) => {
  results.push(result);
  process.stderr.write(`  measured ${result.label}: ${(result.wallMs / 1000).toFixed(1)}s\n`);
};

const fmt = (value, digits = 1) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));
const checks = [];
if (runs('output')) {
  process.stderr.write(`bench: ${COLS}x${ROWS} pseudo-terminal, paced ${PACED_LINES} lines at ${RATE}/s, burst seq 1 ${BURST_LINES}\n`);
  log(await measure('paced · producer alone', ['node', PRODUCER, 'paced', String(PACED_LINES), String(RATE)]));
  log(await patchwalk(['node', PRODUCER, 'paced', String(PACED_LINES), String(RATE)], 'paced · patchwalk'));
  log(await measure(`paced · naive Ink (${NAIVE_LINES} lines)`, ['node', NAIVE, String(NAIVE_LINES)]));
  log(await measure(`paced · producer alone (${NAIVE_LINES} lines)`, ['node', PRODUCER, 'paced', String(NAIVE_LINES), String(RATE)]));
  log(await measure('burst · producer alone', ['seq', '1', String(BURST_LINES)]));
  log(await patchwalk(['seq', '1', String(BURST_LINES)], 'burst · patchwalk'));
  log(await patchwalk(['seq', '1', '100000'], 'burst 100k · patchwalk'));
  log(await patchwalk(['true'], 'empty step · patchwalk'));

  const byLabel = Object.fromEntries(results.map((result) => [result.label, result]));
  console.log('');
  console.log(`${'run'.padEnd(34)} ${'wall s'.padStart(8)} ${'peak RSS MB'.padStart(12)} ${'bytes to tty'.padStart(13)} ${'max stall ms'.padStart(13)} ${'probe ms'.padStart(9)} ${'CPU s'.padStart(7)}`);
  for (const result of results) {
    console.log(
      `${result.label.padEnd(34)} ${fmt(result.wallMs / 1000, 2).padStart(8)} ${fmt(result.peakRssMb).padStart(12)} ${String(result.bytes).padStart(13)} ${fmt(result.maxStallMs).padStart(13)} ${fmt(result.probeStallMs).padStart(9)} ${fmt(result.cpuMs === undefined ? undefined : result.cpuMs / 1000, 2).padStart(7)}`,
    );
  }

  const paced = byLabel['paced · patchwalk'];
  const pacedAlone = byLabel['paced · producer alone'];
  const naive = byLabel[`paced · naive Ink (${NAIVE_LINES} lines)`];
  const naiveAlone = byLabel[`paced · producer alone (${NAIVE_LINES} lines)`];
  const burst = byLabel['burst · patchwalk'];
  const small = byLabel['burst 100k · patchwalk'];
  const empty = byLabel['empty step · patchwalk'];
  const perLine = (run, lines) => (run.cpuMs - empty.cpuMs) / lines;
  checks.push(
    ['paced wall time over the producer alone', paced.wallMs / pacedAlone.wallMs, 1.05, 'x'],
    ['paced peak RSS', paced.peakRssMb, 160, ' MB'],
    ['paced bytes sent to the terminal', paced.bytes / 1e6, 2, ' MB'],
    // The absolute stall follows the machine's load; beside a probe in the same run it does not.
    ['paced longest stall over the probe\'s', paced.maxStallMs / paced.probeStallMs, 1.5, 'x'],
    ['burst wall time', burst.wallMs / 1000, 6, ' s'],
    ['burst peak RSS', burst.peakRssMb, 160, ' MB'],
    ['CPU per line, 1M over 100k (less an empty run)', perLine(burst, BURST_LINES) / perLine(small, 100_000), 1.2, 'x'],
  );
  console.log('');
  console.log(`naive Ink on ${NAIVE_LINES} lines: ${fmt(naive.wallMs / naiveAlone.wallMs, 2)}x the producer's own time, ${fmt(naive.peakRssMb)} MB, ${(naive.bytes / 1e6).toFixed(1)} MB to the terminal`);
}

if (runs('keys')) {
  process.stderr.write(`bench: key latency, ${KEY_VMS} simulated VMs, PgDn during the shutdown\n`);
  const keys = await measureKeys({ cli: CLI, root: ROOT, work, cols: COLS, rows: ROWS });
  const sorted = [...keys.latencies].sort((a, b) => a - b);
  console.log('');
  console.log(`keys · ${KEY_VMS} VMs: PgDn answered in ${sorted.map((ms) => fmt(ms)).join(', ')} ms; console stall ${fmt(keys.maxStallMs)} ms, probe ${fmt(keys.probeStallMs)} ms`);
  checks.push(
    [`key latency during a shutdown, ${KEY_VMS} VMs (slowest)`, sorted.at(-1), 50, ' ms'],
    [`key latency during a shutdown, ${KEY_VMS} VMs (median)`, sorted[Math.floor(sorted.length / 2)], 50, ' ms'],
    ['console stall over the probe\'s, during the shutdown', keys.maxStallMs / keys.probeStallMs, 1.5, 'x'],
  );
}
// The whole bench also has the report and supervisor figures (`node bench/run.js exec` alone).
if (chosen.length === 0) checks.push(...(await execChecks()), ...(await scaleChecks()));
if (chosen.length === 0) checks.push(...(await placementChecks()));
if (chosen.length === 0) checks.push(...(await rollingChecks()));
let failed = verdicts(checks);
if (chosen.length === 0) failed += await benchStartup({ quick });
rmSync(work, { recursive: true, force: true });
// The whole bench ends with libvirt; a chosen part runs alone.
if (chosen.length === 0 && (await runLibvirtBench()).failed) failed++;
process.exitCode = failed ? 1 : 0;
