// Start-up: the CLI's quick commands beside `node -e 0`, and the time to the demo's first frame.
// `node bench/run.js startup` runs this section alone. The commands take turns, so a burst of load
// on the machine falls on all of them alike; each figure is the median of its runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
/** The first frame of the demo's console shows the step counter in its header. */
const FIRST_FRAME_MARK = 'step 1 of';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function wallMs(argv, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: 'ignore', env });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Milliseconds from spawning `patchwalk demo` in a terminal to its first frame. */
function firstFrameMs(env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = pty.spawn(CLI, ['demo'], { name: 'xterm-256color', cols: 100, rows: 30, cwd: ROOT, env: { ...env, TERM: 'xterm-256color' } });
    let seen = '';
    let elapsed;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.onData((data) => {
      if (elapsed !== undefined) return;
      seen = (seen + data).slice(-4096);
      if (seen.includes(FIRST_FRAME_MARK)) {
        elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGKILL');
      }
    });
    child.onExit(() => {
      clearTimeout(timer);
      if (elapsed === undefined) reject(new Error(`the demo never showed "${FIRST_FRAME_MARK}"`));
      else resolve(elapsed);
    });
  });
}

/** Prints the section's table and verdicts; returns how many targets were missed. */
export async function benchStartup({ quick = false } = {}) {
  const rounds = quick ? 5 : 15;
  const frames = quick ? 3 : 7;
  const state = mkdtempSync(join(tmpdir(), 'patchwalk-bench-startup-'));
  const env = { ...process.env, PATCHWALK_STATE_DIR: state, NO_COLOR: '1' };
  delete env.PATCHWALK_BENCH_REPORT;
  // `runs` has a run to list, as it would on a host that has been patched before.
  wallMs([CLI, 'run', '--dry-run', '--yes', '--plain', join(ROOT, 'runbooks', 'demo.yaml')], env);

  // The CLI as installed: run by its shebang, with its heap flags.
  const commands = [
    ['node -e 0', ['node', '-e', '0']],
    ['patchwalk --help', [CLI, '--help']],
    ['patchwalk runs', [CLI, 'runs']],
    ['patchwalk schema', [CLI, 'schema']],
    ['patchwalk lint runbooks/', [CLI, 'lint', join(ROOT, 'runbooks')]],
  ];
  process.stderr.write(`bench startup: ${rounds} rounds of ${commands.length} commands, ${frames} demo first frames\n`);
  const times = new Map(commands.map(([label]) => [label, []]));
  for (let round = 0; round < rounds; round++) for (const [label, argv] of commands) times.get(label).push(wallMs(argv, env));
  const frame = [];
  for (let run = 0; run < frames; run++) frame.push(await firstFrameMs(env));
  rmSync(state, { recursive: true, force: true });

  const node = median(times.get('node -e 0'));
  const limits = { 'patchwalk --help': 2.5, 'patchwalk runs': 2.5, 'patchwalk schema': 2.5, 'patchwalk lint runbooks/': 4 };
  console.log('');
  console.log(`${'start-up'.padEnd(28)} ${'median ms'.padStart(10)} ${'vs node -e 0'.padStart(13)} ${'limit'.padStart(7)}  verdict`);
  let failed = 0;
  for (const [label] of commands) {
    const ms = median(times.get(label));
    const limit = limits[label];
    const ok = limit === undefined || ms / node <= limit;
    if (!ok) failed++;
    console.log(`${label.padEnd(28)} ${ms.toFixed(0).padStart(10)} ${`${(ms / node).toFixed(2)}x`.padStart(13)} ${limit ? `${limit}x`.padStart(7) : ''.padStart(7)}  ${limit ? (ok ? 'ok' : 'OVER') : ''}`);
  }
  const frameMs = median(frame);
  const frameOk = frameMs <= 800;
  if (!frameOk) failed++;
  console.log(`${'demo, first frame'.padEnd(28)} ${frameMs.toFixed(0).padStart(10)} ${`${(frameMs / node).toFixed(2)}x`.padStart(13)} ${'800 ms'.padStart(7)}  ${frameOk ? 'ok' : 'OVER'}`);
  return failed;
}
