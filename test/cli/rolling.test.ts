// The rolling end to end through the built CLI in line mode, on the simulated cluster: the demo,
// a shortfall and a failed migration decided by typed answers, stop_on_failure, and kill -9 in
// the middle of a drain followed by resume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/records.js';
import { CLI, ROOT, patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { journalOf, onlyRun } from '../helpers/state.js';

const DEMO = join(ROOT, 'runbooks/demo-cluster.yaml');

interface SimFile {
  vms: Record<string, { state: string; host: string }>;
  migrations?: Record<string, number>;
}

const simOf = (runDir: string): SimFile => JSON.parse(readFileSync(join(runDir, 'sim-host.json'), 'utf8')) as SimFile;

/** The VMs' hosts as the runbook places them. */
function homes(yaml: string): Record<string, string> {
  return Object.fromEntries([...yaml.matchAll(/name: (\w+), host: (\w+)/g)].map((match) => [match[1], match[2]]));
}

/** Runs the CLI and answers each question as it is asked, by its text. */
async function converse(args: string[], stateDir: string, answer: (question: string) => string) {
  const child = execa('node', [CLI, ...args], { cwd: ROOT, reject: false, env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '20', PATCHWALK_STATE_DIR: stateDir } });
  const questions: string[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    if (!/: $/.test(pending)) return;
    const question = [...pending.matchAll(/^\? (.*)$/gm)].at(-1)?.[1];
    if (!question) return;
    pending = '';
    questions.push(question);
    child.stdin?.write(`${answer(question)}\n`);
  });
  const result = await child;
  return { ...result, questions };
}

const SMALL = `
runbook: 1
title: Rolling patch of a small cluster
cluster:
  name: small
  members: [{ name: alpha }, { name: beta }]
rolling: { order: [alpha, beta], pause_between: none, stop_on_failure: true }
inventory:
  provider: sim
  reboot_time: 1s
  capacity: { memory_mib: 8192, vcpus: 16 }
  vms:
    - { name: v1, host: alpha, memory_mib: 4096, fail_migrate_once: true, autostart: false }
    - { name: v2, host: alpha, memory_mib: 4096, autostart: false }
    - { name: v3, host: beta, memory_mib: 2048, autostart: true }
per_host:
  - { id: drain, title: Drain, drain: { unmovable: ask } }
  - { id: upgrade, title: Upgrade, run: "echo patching" }
  - { id: reboot, title: Reboot, reboot: { confirm: none, wait: 1m } }
  - { id: restart, title: Start again, start: { select: stopped-by-this-run } }
  - { id: home, title: Home, return: { select: drained-by-this-run } }
`;

describe('rolling on the simulated cluster, through the CLI', () => {
  it('vms lists every member\'s VMs with its host and what the rolling plans for it', async () => {
    const result = await patchwalk(['vms', DEMO, '--json']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const vms = JSON.parse(String(result.stdout)) as { name: string; host: string; planned_action: string }[];
    expect(vms).toHaveLength(20);
    expect(vms.find((vm) => vm.name === 'db02')).toMatchObject({ host: 'node2', planned_action: 'migrate away' });
    expect(vms.find((vm) => vm.name === 'gpu01')).toMatchObject({ host: 'node1', planned_action: 'cannot migrate' });
  });

  it('demo --cluster drains, patches, reboots and returns every member; every VM ends home, running, moved at most twice', async () => {
    const stateDir = tempDir('patchwalk-rolling-');
    const result = await patchwalk(['demo', '--cluster', '--plain'], { env: { PATCHWALK_STATE_DIR: stateDir, PATCHWALK_SIM_SPEED: '20' } });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stdout).toContain('host 3 of 3');
    expect(result.stdout).toContain('placement plan for');
    expect(result.stdout).toMatch(/db01 did not migrate .* → retry/);
    expect(result.stdout).toMatch(/gpu01 \(local disk\)\. What now\? → shutdown/);
    const sim = simOf(onlyRun(stateDir).dir);
    const expected = homes(readFileSync(DEMO, 'utf8'));
    for (const [name, home] of Object.entries(expected)) {
      expect(sim.vms[name]?.host, name).toBe(home);
      expect(sim.vms[name]?.state, name).toBe(name === 'build01' ? 'shut-off' : 'running');
      expect(sim.migrations?.[name] ?? 0, name).toBeLessThanOrEqual(2);
    }
    // The report: a section per host, and every VM's placement and downtime (none when it moved live).
    const report = await patchwalk(['report', 'latest'], { env: { PATCHWALK_STATE_DIR: stateDir } });
    expect(report.stdout).toContain('## Rolling of sim-pve');
    for (const host of ['node1', 'node2', 'node3']) expect(report.stdout).toContain(`### Host ${host}: done`);
    expect(report.stdout).toMatch(/\| web01 \| node1 \| node\d \| node1 \| yes \| none \|/);
    expect(report.stdout).toMatch(/\| gpu01 \| node1 \| – \| node1 \| yes \| \d/);
    expect(report.stdout).toContain('upgrade@node3');
  }, 60_000);

  it('offers a capacity shortfall and a failed migration as decisions, and acts on the typed answers', async () => {
    const stateDir = tempDir('patchwalk-rolling-');
    const file = writeRunbook(tempDir(), 'small.yaml', SMALL);
    const result = await converse(['run', file, '--plain'], stateDir, (question) => {
      if (question.includes('short by')) return 'shutdown-rest';
      if (question.startsWith('v1 did not migrate')) return 'shutdown';
      if (question.startsWith('Drain')) return 'go';
      return 'y';
    });
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.questions.find((question) => question.includes('short by'))).toMatch(/short by 4096 MiB .*\(v2\)/);
    expect(result.questions.some((question) => question.startsWith('v1 did not migrate from alpha to beta'))).toBe(true);
    const sim = simOf(onlyRun(stateDir).dir);
    // v1 and v2 were shut down for alpha's reboot and started again; v3 went away and came home.
    expect(sim.vms).toMatchObject({ v1: { host: 'alpha', state: 'running' }, v2: { host: 'alpha', state: 'running' }, v3: { host: 'beta', state: 'running' } });
  }, 60_000);

  it('stop_on_failure: a failed member ends the rolling (exit 1) before the next member starts', async () => {
    const stateDir = tempDir('patchwalk-rolling-');
    const file = writeRunbook(tempDir(), 'failing.yaml', SMALL.replace('run: "echo patching"', 'run: "exit 3"').replace(', fail_migrate_once: true', ''));
    const result = await converse(['run', file, '--plain'], stateDir, (question) => {
      if (question.includes('failed')) return 'abort';
      if (question.includes('short by')) return 'shutdown-rest';
      return question.startsWith('Drain') ? 'go' : 'y';
    });
    expect(result.exitCode).toBe(1);
    const records = journalOf(onlyRun(stateDir).dir).records as JournalRecord[];
    const started = records.flatMap((record) => (record.type === 'step-start' ? [record.step] : []));
    expect(started).toContain('upgrade@alpha');
    expect(started.some((step) => step.endsWith('@beta'))).toBe(false);
  }, 60_000);

  it('kill -9 during a drain, then resume: the rolling finishes, nothing migrated twice, nothing left behind', async () => {
    const stateDir = tempDir('patchwalk-rolling-kill-');
    const env = { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '5', PATCHWALK_STATE_DIR: stateDir };
    const child = execa('node', [CLI, 'run', DEMO, '--plain', '--yes'], { cwd: ROOT, reject: false, env, input: '' });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/» \w+: migrating/.test(seen)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      void child.then(() => resolve());
    });
    const killed = await child;
    expect(killed.signal, seen).toBe('SIGKILL');
    let resumed = await execa('node', [CLI, 'resume', '--yes', '--plain'], { cwd: ROOT, reject: false, env, input: '' });
    for (let tries = 0; resumed.exitCode !== 0 && tries < 2; tries++) resumed = await execa('node', [CLI, 'resume', '--yes', '--plain'], { cwd: ROOT, reject: false, env, input: '' });
    expect(resumed.exitCode, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    const sim = simOf(onlyRun(stateDir).dir);
    for (const [name, home] of Object.entries(homes(readFileSync(DEMO, 'utf8')))) {
      expect(sim.vms[name]?.host, name).toBe(home);
      expect(sim.migrations?.[name] ?? 0, `${name} migrations`).toBeLessThanOrEqual(2);
    }
    const records = journalOf(onlyRun(stateDir).dir).records as JournalRecord[];
    expect(records.filter((record) => record.type === 'run-end').map((record) => (record as { phase: string }).phase)).toEqual(['done']);
  }, 90_000);
});
