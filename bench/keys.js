// The console's key latency at scale: a simulated host with 5,000 VMs, the console in a
// pseudo-terminal, PgDn pressed during the shutdown; each key is timed until the VM table's
// caption shows the page it asked for. Also the console's longest stall beside the probe's.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from 'node-pty';

/** 5,000 in the bench; PATCHWALK_BENCH_KEY_VMS tries the harness on fewer. */
export const KEY_VMS = Number(process.env.PATCHWALK_BENCH_KEY_VMS ?? 5000);
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;
const PRESSES = 12;
const PAGE_DOWN = '\u001B[6~';

function simRunbook(work) {
  const file = join(work, 'keys.yaml');
  const vms = Array.from({ length: KEY_VMS }, (_, index) => `      - { name: vm${String(index).padStart(4, '0')}, state: running, shutdown_time: 20s }`);
  writeFileSync(
    file,
    [
      'runbook: 1',
      'title: key latency',
      'unattended: true',
      'inventory:',
      '  provider: sim',
      '  vms:',
      ...vms,
      'steps:',
      '  - { id: warm, title: Warm up, run: "true" }',
      '  - { id: down, title: Shut down, shutdown: {} }',
      '',
    ].join('\n'),
  );
  return file;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves { latencies, maxStallMs, probeStallMs } once the keys have been timed. */
export function measureKeys({ cli, root, work, cols, rows }) {
  const runbook = simRunbook(work);
  const report = join(work, 'keys-report.json');
  const probeReport = join(work, 'keys-probe.json');
  return new Promise((resolve, reject) => {
    const probe = spawn('node', [join(root, 'bench', 'probe.js'), probeReport], { stdio: 'ignore' });
    const child = pty.spawn(cli, ['run', runbook, '--yes'], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: root,
      env: { ...process.env, TERM: 'xterm-256color', PATCHWALK_BENCH_REPORT: report, PATCHWALK_STATE_DIR: work, PATCHWALK_SIM_SPEED: '5' },
    });
    let tail = '';
    /** Called with each new chunk while a key waits for its page. */
    let onChunk;
    // Matched as text: the styles Ink puts between words are taken out first.
    child.onData((raw) => {
      const data = raw.replace(ANSI, '');
      tail = (tail + data).slice(-65_536);
      if (process.env.PATCHWALK_BENCH_KEYS_DUMP) writeFileSync(process.env.PATCHWALK_BENCH_KEYS_DUMP, tail);
      onChunk?.(data);
    });
    const exited = new Promise((done) => child.onExit(done));
    const firstShown = () => {
      const all = [...tail.matchAll(new RegExp(`VMs (\\d+)-\\d+ of ${KEY_VMS}`, 'g'))];
      return all.length ? Number(all.at(-1)[1]) : undefined;
    };
    const waitFor = async (test, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (test()) return true;
        await sleep(20);
      }
      return false;
    };
    (async () => {
      // The shutdown is under way and its VM table is on screen.
      const running = () => Number([...tail.matchAll(new RegExp(`of ${KEY_VMS} · (\\d+) running`, 'g'))].at(-1)?.[1] ?? 0);
      if (!(await waitFor(() => /Shut down \(shutdown\)/.test(tail) && running() > 0 && running() < KEY_VMS, 600_000))) {
        throw new Error(`the shutdown never showed its VM table; the screen ends with:\n${tail.slice(-2000)}`);
      }
      const latencies = [];
      for (let press = 0; press < PRESSES; press++) {
        const before = firstShown();
        const started = process.hrtime.bigint();
        let seen = '';
        const moved = new Promise((done) => {
          onChunk = (data) => {
            seen = (seen + data).slice(-8192);
            const all = [...seen.matchAll(new RegExp(`VMs (\\d+)-\\d+ of ${KEY_VMS}`, 'g'))];
            if (all.length && Number(all.at(-1)[1]) !== before) done();
          };
        });
        child.write(PAGE_DOWN);
        const timedOut = await Promise.race([moved.then(() => false), sleep(10_000).then(() => true)]);
        onChunk = undefined;
        if (timedOut && process.env.PATCHWALK_BENCH_KEYS_DUMP) process.stderr.write(`key ${press}: page stayed at ${before}, now ${firstShown()}\n`);
        latencies.push(timedOut ? Infinity : Number(process.hrtime.bigint() - started) / 1e6);
        await sleep(250);
      }
      // SIGTERM detaches as a dropped session would; the console writes its own report on exit.
      child.kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!gone) child.kill('SIGKILL');
      probe.kill('SIGTERM');
      await new Promise((done) => probe.once('exit', done));
      let inner = {};
      try {
        inner = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        // Killed before it could write: the stall is unknown.
      }
      const probed = JSON.parse(readFileSync(probeReport, 'utf8'));
      resolve({ latencies, maxStallMs: inner.maxStallMs, probeStallMs: probed.maxStallMs });
    })().catch((error) => {
      child.kill('SIGKILL');
      probe.kill('SIGTERM');
      reject(error);
    });
  });
}
