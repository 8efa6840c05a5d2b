// `run --rehearse` of a cluster runbook: the kvm rolling against a saved inventory of three members
// (`vms CLUSTER.yaml --json`), in line mode with typed answers. Nothing runs here or on a member, no
// lock is taken, and every VM ends on its home member in the report.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { allFiles, journalOf, onlyRun } from '../helpers/state.js';

const FIXTURES = join(ROOT, 'test/fixtures/rehearsal');
const INVENTORY = join(FIXTURES, 'kvm-cluster-inventory.json');
const KVM_CLUSTER = readFileSync(join(ROOT, 'runbooks/kvm-cluster-patch.yaml'), 'utf8');

/** The kvm rolling with a first per_host step that would leave a file if anything ran it, and its three members. */
function clusterCopy(dir: string) {
  const marker = join(dir, 'MARKER');
  copyFileSync(join(FIXTURES, 'kvm-cluster.ini'), join(dir, 'inventory.ini'));
  const text = KVM_CLUSTER.replace(/^per_host:\n/m, `per_host:\n  - id: marker\n    title: A command that would create a file\n    run: touch ${marker}\n    on: host\n`);
  return { file: writeRunbook(dir, 'kvm-cluster.yaml', text), marker };
}

/** Runs the CLI in line mode and answers each question by its text (empty: the param defaults). */
async function converse(args: string[], cwd: string, stateDir: string) {
  const child = execa('node', [CLI, ...args], { cwd, reject: false, env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '200', PATCHWALK_STATE_DIR: stateDir } });
  const questions: string[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    if (!/: $/.test(pending)) return;
    const question = [...pending.matchAll(/^\? (.*)$/gm)].at(-1)?.[1];
    if (!question) return;
    pending = '';
    questions.push(question);
    // Params keep their defaults; every drain and every next host goes ahead; each reboot is confirmed.
    const answer = /\[y\/n\]/.test(question) ? 'y' : /^Drain |Go on to host/.test(question) ? 'go' : /\(\[.*\]\):? *$/.test(question) ? '' : 'y';
    child.stdin?.write(`${answer}\n`);
  });
  const result = await child;
  return { ...result, questions };
}

describe('patchwalk run --rehearse on a cluster runbook', () => {
  it('rehearses the kvm rolling on a saved inventory of three members: nothing runs, no lock, every VM back home', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file, marker } = clusterCopy(dir);
    const result = await converse(['run', file, '--rehearse', '--inventory', INVENTORY, '--plain'], dir, state);
    const out = String(result.stdout);
    expect(result.exitCode, `${out}\n${String(result.stderr)}\n${result.questions.join('\n')}`).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(out).toContain('REHEARSAL: simulated VMs, no command is executed');
    // Shown with the member it would have run on, as the ansible inventory names it.
    expect(out).toContain(`rehearsal, not run on ops@10.9.0.3: touch ${marker}`);
    for (const member of ['kvm01', 'kvm02', 'kvm03']) expect(out).toMatch(new RegExp(`══ host \\d of 3 \\(${member}\\)`));

    // No lock on any member or on the cluster, now or while it ran (the journal has no lock record).
    const run = onlyRun(state);
    expect(allFiles(state).filter((path) => /lock/i.test(path))).toEqual([]);
    const journal = journalOf(run.dir);
    expect(journal.records.filter((record) => record.type === 'lock')).toEqual([]);
    expect(journal.records[0]).toMatchObject({ type: 'run-start', rehearsal: true });
    // The saved inventory gives no room figures: the default is said.
    expect(journal.records.some((record) => record.type === 'notice' && record.text.includes('room for every VM'))).toBe(true);

    const report = await patchwalk(['report', 'latest'], { env: { PATCHWALK_STATE_DIR: state } });
    const text = String(report.stdout);
    expect(text).toContain('(REHEARSAL)');
    for (const member of ['kvm01', 'kvm02', 'kvm03']) expect(text).toContain(`### Host ${member}: done`);
    const saved = JSON.parse(readFileSync(INVENTORY, 'utf8')) as { name: string; host: string; state: string }[];
    for (const vm of saved) expect(text).toMatch(new RegExp(`\\| ${vm.name} \\| ${vm.host} \\| [^|]+ \\| ${vm.host} \\| yes \\|`));
    // At least one VM really moved on the simulated cluster while its member was patched.
    expect(text).toMatch(/\| web01 \| kvm01 \| kvm0[23]/);
    expect(readdirSync(dir).sort()).toEqual(['inventory.ini', 'kvm-cluster.yaml', 'state']);
  }, 60_000);

  it('a cluster rehearsal stopped between members resumes as a rehearsal on the same simulated cluster', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file, marker } = clusterCopy(dir);
    // The params' defaults, the first drain and its reboot; stdin ends at "go on to the next host" (exit 3).
    const first = await patchwalk(['run', file, '--rehearse', '--inventory', INVENTORY, '--plain'], { input: '\n\n\ngo\ny\n', env: { PATCHWALK_SIM_SPEED: '200', PATCHWALK_STATE_DIR: state }, cwd: dir });
    expect(first.exitCode, String(first.stdout)).toBe(3);
    const resumed = await converse(['resume', 'latest', '--plain'], dir, state);
    const out = String(resumed.stdout);
    expect(resumed.exitCode, `${out}\n${String(resumed.stderr)}`).toBe(0);
    expect(out).toContain('REHEARSAL');
    expect(existsSync(marker)).toBe(false);
    const run = onlyRun(state);
    expect(journalOf(run.dir).records.filter((record) => record.type === 'lock')).toEqual([]);
    const report = String((await patchwalk(['report', 'latest'], { env: { PATCHWALK_STATE_DIR: state } })).stdout);
    for (const member of ['kvm01', 'kvm02', 'kvm03']) expect(report).toContain(`### Host ${member}: done`);
    const saved = JSON.parse(readFileSync(INVENTORY, 'utf8')) as { name: string; host: string }[];
    for (const vm of saved) expect(report).toMatch(new RegExp(`\\| ${vm.name} \\| ${vm.host} \\| [^|]+ \\| ${vm.host} \\| yes \\|`));
  }, 60_000);

  it('--guided walks a cluster rehearsal too: each step explained and waited for, every member done', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file, marker } = clusterCopy(dir);
    const result = await converse(['run', file, '--rehearse', '--guided', '--inventory', INVENTORY, '--plain'], dir, state);
    expect(result.exitCode, `${String(result.stdout)}\n${String(result.stderr)}`).toBe(0);
    expect(result.questions.filter((question) => question.startsWith('Guided: A command that would create a file'))).toHaveLength(3);
    expect(existsSync(marker)).toBe(false);
    expect(journalOf(onlyRun(state).dir).records[0]).toMatchObject({ type: 'run-start', rehearsal: true, options: { guided: true } });
  }, 60_000);

  it('refuses a saved inventory naming a member the runbook does not have (exit 2, the file and the member named)', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file } = clusterCopy(dir);
    const saved = JSON.parse(readFileSync(INVENTORY, 'utf8')) as { host: string }[];
    saved[4]!.host = 'kvm09';
    const inventory = join(dir, 'inv.json');
    writeFileSync(inventory, JSON.stringify(saved));
    const result = await patchwalk(['run', file, '--rehearse', '--inventory', inventory, '--plain'], { env: { PATCHWALK_STATE_DIR: state }, cwd: dir, input: '' });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(`--inventory ${inventory}`);
    expect(String(result.stderr)).toContain('"kvm09"');
    expect(String(result.stderr)).not.toMatch(/\n\s+at /);
    expect(existsSync(join(state, 'runs')) ? readdirSync(join(state, 'runs')) : []).toEqual([]);
  });
});
