// The libvirt bench: 200 domains on libvirtd's test driver, shut down and started again by
// patchwalk's libvirt provider beside `xargs -P 8 virsh` doing the same, in the same run.
// `node bench/run.js libvirt` (or PATCHWALK_BENCH=libvirt) runs it alone; `npm run bench` runs it
// after the live-output bench. Needs a built dist/ (npm run build) and libvirtd (started when root).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const URI = 'test+unix:///default';
const SOCKET = '/run/libvirt/libvirt-sock';
const DOMAINS = Number(process.env.PATCHWALK_BENCH_DOMAINS ?? 200);
const PARALLEL = 8;
const TARGET_RATIO = 1.5;
const ROUNDS = Number(process.env.PATCHWALK_BENCH_ROUNDS ?? 3);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function virsh(args, options = {}) {
  return execFileSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function answers() {
  try {
    virsh(['version']);
    return true;
  } catch {
    return false;
  }
}

/** Why the bench cannot run here, or undefined. Starts libvirtd when root and it is not running. */
async function prepareDaemon() {
  if (!existsSync('/usr/bin/virsh')) return 'virsh is not installed (apt-get install libvirt-clients)';
  if (existsSync(SOCKET) && answers()) return undefined;
  if (!existsSync('/usr/sbin/libvirtd')) return 'libvirtd is not installed (apt-get install libvirt-daemon)';
  if (process.getuid?.() !== 0) return 'libvirtd is not running and only root can start it';
  for (const dir of ['/var/log/libvirt', '/run/libvirt']) mkdirSync(dir, { recursive: true });
  execFileSync('libvirtd', ['--daemon'], { stdio: 'ignore' });
  for (let tries = 0; tries < 50; tries++) {
    if (existsSync(SOCKET) && answers()) return undefined;
    await sleep(200);
  }
  return 'libvirtd did not answer on /run/libvirt/libvirt-sock';
}

function uuidOf(index) {
  return `b0b0b0b0-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

/** Runs `xargs -P 8 virsh -c URI VERB --domain NAME` over the names; resolves with the wall in ms. */
function xargsVirsh(verb, names) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('xargs', ['-P', String(PARALLEL), '-n', '1', 'virsh', '-q', '-c', URI, verb, '--domain'], {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`xargs virsh ${verb} exited ${code}`))));
    child.stdin.end(`${names.join('\n')}\n`);
  });
}

function countState(names, state) {
  const states = new Map(
    virsh(['list', '--all', '--name', state === 'running' ? '--state-running' : '--state-shutoff'])
      .split('\n')
      .filter(Boolean)
      .map((name) => [name, true]),
  );
  return names.filter((name) => states.has(name)).length;
}

export async function runLibvirtBench() {
  const why = await prepareDaemon();
  if (why) {
    console.log(`\nlibvirt bench skipped: ${why}`);
    return { failed: process.env.PATCHWALK_REQUIRE_INTEGRATION === '1' ? 1 : 0 };
  }
  const { LibvirtProvider } = await import(pathToFileURL(join(ROOT, 'dist', 'inventory', 'libvirt-provider.js')).href);
  const work = mkdtempSync(join(tmpdir(), 'patchwalk-bench-libvirt-'));
  // test:///default lives while a connection is open: one interactive virsh holds it.
  const holder = spawn('virsh', ['-c', URI], { stdio: ['pipe', 'ignore', 'ignore'] });
  await sleep(300);
  const names = Array.from({ length: DOMAINS }, (_, index) => `pwbench-${String(index).padStart(3, '0')}`);
  const script = [];
  for (const [index, name] of names.entries()) {
    const file = join(work, `${index}.xml`);
    writeFileSync(file, `<domain type="test"><name>${name}</name><uuid>${uuidOf(index + 1)}</uuid><memory unit="MiB">256</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`);
    script.push(`define --file ${file}`, `start --domain ${name}`);
  }
  const cleanup = () => {
    try {
      virsh([names.map((name) => `destroy --domain ${name}; undefine --domain ${name}`).join('; ')]);
    } catch {
      // Domains already gone.
    }
    holder.stdin.end('quit\n');
    rmSync(work, { recursive: true, force: true });
  };
  try {
    virsh([script.join('; ')]);
    if (countState(names, 'running') !== DOMAINS) throw new Error(`could not start the ${DOMAINS} bench domains`);
    process.stderr.write(`libvirt bench: ${DOMAINS} domains on ${URI}, shutdown then start, ${PARALLEL} at a time, ${ROUNDS} rounds each\n`);

    const provider = new LibvirtProvider(URI);
    const listStarted = process.hrtime.bigint();
    const vms = await provider.list({ tags: false });
    const listMs = Number(process.hrtime.bigint() - listStarted) / 1e6;
    const listed = vms.filter((vm) => names.includes(vm.name)).length;
    const listTagsStarted = process.hrtime.bigint();
    await provider.list();
    const listTagsMs = Number(process.hrtime.bigint() - listTagsStarted) / 1e6;

    const walls = { patchwalk: [], xargs: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const down = await xargsVirsh('shutdown', names);
      const up = await xargsVirsh('start', names);
      if (countState(names, 'running') !== DOMAINS) throw new Error('xargs virsh did not bring every domain back');
      walls.xargs.push(down + up);
      process.stderr.write(`  xargs -P ${PARALLEL} virsh: ${((down + up) / 1000).toFixed(2)}s\n`);

      const started = process.hrtime.bigint();
      const request = { vms: names, timeoutMs: 60_000, concurrency: PARALLEL, onState: () => {} };
      const stopped = await provider.power({ ...request, action: 'shutdown' });
      const startedAgain = await provider.power({ ...request, action: 'start' });
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const bad = [...stopped, ...startedAgain].filter((result) => result.outcome !== 'ok');
      if (bad.length > 0) throw new Error(`patchwalk: ${bad.length} VM(s) failed, first: ${JSON.stringify(bad[0])}`);
      if (countState(names, 'running') !== DOMAINS) throw new Error('patchwalk did not bring every domain back');
      walls.patchwalk.push(wall);
      process.stderr.write(`  patchwalk provider: ${(wall / 1000).toFixed(2)}s\n`);
    }
    const best = (list) => Math.min(...list);
    // Each round runs both back to back, so a round's ratio is measured under one machine load;
    // the verdict takes the median round.
    const ratios = walls.patchwalk.map((wall, round) => wall / walls.xargs[round]).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)];
    const ok = ratio <= TARGET_RATIO && listed === DOMAINS;
    console.log('');
    console.log(`libvirt, ${DOMAINS} domains (test driver), shutdown + start, best of ${ROUNDS} rounds; ratio per round ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}`);
    console.log(`  xargs -P ${PARALLEL} virsh          ${(best(walls.xargs) / 1000).toFixed(2).padStart(7)} s`);
    console.log(`  patchwalk provider (${PARALLEL} at once) ${(best(walls.patchwalk) / 1000).toFixed(2).padStart(7)} s`);
    console.log(`  list of ${listed} domains: ${listMs.toFixed(0)} ms without tags, ${listTagsMs.toFixed(0)} ms with tags`);
    console.log(`${`libvirt ${DOMAINS} domains, patchwalk vs xargs -P 8 (median)`.padEnd(50)} ${`${ratio.toFixed(2)}x`.padStart(10)} ${`${TARGET_RATIO}x`.padStart(9)}  ${ok ? 'ok' : 'OVER'}`);
    return { failed: ok ? 0 : 1, ratio };
  } finally {
    cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { failed } = await runLibvirtBench();
  process.exitCode = failed ? 1 : 0;
}
