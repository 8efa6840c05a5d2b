// The report and supervisor figures: `report` on a run with 1M output lines (read from the end of the
// file, under the CLI's heap cap), and the supervisor's CPU per 1M lines (it writes in batches).
// `node bench/run.js exec` runs only these; `npm run bench` runs them with the rest.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const SUPERVISOR = join(ROOT, 'dist', 'exec', 'supervisor.js');
const LINES = 1_000_000;

/** User+system CPU seconds of the children a shell waited for, from its `times` builtin. */
function childCpu(script) {
  const out = execFileSync('/bin/sh', ['-c', `${script}; times`], { encoding: 'utf8' }).trim().split('\n').at(-1);
  return out.split(/\s+/).reduce((sum, field) => {
    const match = /(\d+)m([\d.]+)s/.exec(field);
    return sum + (match ? Number(match[1]) * 60 + Number(match[2]) : 0);
  }, 0);
}

export async function execChecks() {
  const work = mkdtempSync(join(tmpdir(), 'patchwalk-bench-exec-'));
  try {
    // report on 1M lines
    const state = join(work, 'state');
    const runbook = join(work, 'lines.yaml');
    writeFileSync(runbook, `runbook: 1\ntitle: bench\nsteps:\n  - id: produce\n    title: Produce output\n    run: [seq, '1', '${LINES}']\n`);
    const env = { ...process.env, NO_COLOR: '1', PATCHWALK_STATE_DIR: state };
    spawnSync(CLI, ['run', runbook, '--plain'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const id = readdirSync(join(state, 'runs'))[0];
    const started = process.hrtime.bigint();
    const report = spawnSync(CLI, ['report', id], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const reportS = Number(process.hrtime.bigint() - started) / 1e9;
    if (report.status !== 0) process.stderr.write(`  report exited ${report.status}: ${report.stderr.slice(0, 300)}\n`);
    process.stderr.write(`  measured report on ${LINES} lines: ${reportS.toFixed(2)}s, exit ${report.status}\n`);

    // The supervisor on seq 1 1M, less seq alone.
    const out = join(work, 'sup');
    const spec = join(work, 'spec.json');
    writeFileSync(spec, JSON.stringify({ argv: ['seq', '1', String(LINES)], outFile: `${out}.out`, statusFile: `${out}.status`, pidFile: `${out}.pid`, secrets: [], mask: '********', display: 'seq' }));
    const both = childCpu(`${JSON.stringify(process.execPath)} ${JSON.stringify(SUPERVISOR)} < ${JSON.stringify(spec)}`);
    const seqAlone = childCpu(`seq 1 ${LINES} > /dev/null`);
    const supervisorS = both - seqAlone;
    process.stderr.write(`  measured supervisor on ${LINES} lines: ${supervisorS.toFixed(2)}s CPU\n`);
    return [
      [`report on ${LINES / 1e6}M lines, wall (exit ${report.status})`, report.status === 0 ? reportS : Number.NaN, 3, ' s'],
      [`supervisor CPU per ${LINES / 1e6}M lines`, supervisorS, 0.5, ' s'],
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
