// Two-person approval end to end, with the built CLI: the driver waits at a gated step; a second
// Unix user, created here, approves or denies from their own process; the driver's own account is
// refused (unless the runbook allows a shared account, and then a typed name is flagged).
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, patchwalk, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';
import { canSwitchUser, isRoot, makeOtherUser, type OtherUser } from '../helpers/other-user.js';

const required = process.env.PATCHWALK_REQUIRE_INTEGRATION === '1';
const canSwitch = canSwitchUser;

const runbook = (approval: string) => `runbook: 1
title: Approval check
inventory: { provider: sim, vms: [ { name: web01 }, { name: db01 } ] }
steps:
  - id: hello
    title: Say hello
    run: echo hello {{ run.id }}
    approval: ${approval}
  - { id: after, title: After, run: echo after }
`;

type Record = { type: string; [key: string]: unknown };
const journal = (state: string, id: string): Record[] =>
  readFileSync(join(state, 'runs', id, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record);

/** The driver in line mode, with a stdin the test writes answers to. */
function startDriver(file: string, state: string, args: string[] = ['run', file, '--plain']) {
  const proc = execa('node', [CLI, ...args], {
    cwd: ROOT,
    reject: false,
    stdin: 'pipe',
    env: { NO_COLOR: '1', PATCHWALK_SIM_SPEED: '10', PATCHWALK_STATE_DIR: state },
  });
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const waitFor = async (text: string, count = 1) => {
    for (let tries = 0; tries < 600; tries++) {
      if (output.split(text).length > count) return;
      if (proc.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the driver never printed "${text}":\n${output}`);
  };
  return { proc, waitFor, output: () => output };
}

const runId = (state: string) => {
  const [id] = readdirSync(join(state, 'runs'));
  if (!id) throw new Error('no run');
  return id;
};

describe('allow_same_account: the driver\'s own account approves with a typed name (any user)', () => {
  it('asks for the name, and the journal and the report flag "same account, from SSH client"', async () => {
    const dir = tempDir('patchwalk-approval-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'rb.yaml', runbook('{ mode: two-person, allow_same_account: true }'));
    const driver = startDriver(file, state);
    await driver.waitFor('waiting for approval');
    const id = runId(state);
    const env = { PATCHWALK_STATE_DIR: state, SSH_CLIENT: '10.1.2.3 50000 22' };
    // An empty name asks again; then the name, then approve typed out.
    const approve = await patchwalk(['approve', id], { input: '\nAlice Smith\napprove\n', env });
    expect(approve.exitCode, String(approve.stderr)).toBe(0);
    expect(approve.stdout).toContain(`$ echo hello ${id}`);
    expect(approve.stdout).toContain('a name is needed');
    const end = await driver.proc;
    expect(end.exitCode, driver.output()).toBe(0);
    expect(driver.output()).toContain('approved by Alice Smith (same account');
    const granted = journal(state, id).find((record) => record.type === 'approval-granted');
    expect(granted?.approver).toMatchObject({ same_account: true, name: 'Alice Smith', ssh_client: '10.1.2.3' });
    const report = await patchwalk(['report', id], { env });
    expect(report.stdout).toContain('**granted, same account**');
    expect(report.stdout).toContain('Alice Smith (same account');
    expect(report.stdout).toContain('from SSH client 10.1.2.3');
  }, 60_000);

  it('a dropped driver leaves the request standing; resume waits again and takes the approval given meanwhile', async () => {
    const dir = tempDir('patchwalk-approval-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'rb.yaml', runbook('{ mode: two-person, allow_same_account: true }'));
    const driver = startDriver(file, state);
    await driver.waitFor('waiting for approval');
    driver.proc.kill('SIGHUP');
    expect((await driver.proc).exitCode).toBe(130);
    const id = runId(state);
    const approve = await patchwalk(['approve', id, '--reason', 'late'], { input: 'Bob\napprove\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(approve.exitCode, String(approve.stderr)).toBe(0);
    const resumed = await patchwalk(['resume', id, '--plain'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(resumed.exitCode, `${String(resumed.stdout)}${String(resumed.stderr)}`).toBe(0);
    expect(resumed.stdout).toContain(`hello ${id}`);
    const types = journal(state, id).map((record) => record.type);
    expect(types.filter((type) => type === 'approval-requested')).toHaveLength(2);
    expect(types.indexOf('approval-granted')).toBeGreaterThan(types.lastIndexOf('approval-requested'));
  }, 60_000);
});

describe('self-approval', () => {
  it('is refused (exit 1) when the runbook does not allow a shared account, and deny needs a reason (exit 2)', async () => {
    const dir = tempDir('patchwalk-approval-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'rb.yaml', runbook('two-person'));
    const driver = startDriver(file, state);
    await driver.waitFor('waiting for approval');
    const id = runId(state);
    const self = await patchwalk(['approve', id], { input: 'approve\n', env: { PATCHWALK_STATE_DIR: state } });
    expect(self.exitCode).toBe(1);
    expect(self.stderr).toContain('refusing self-approval');
    expect(readdirSync(join(state, 'runs', id, 'approvals'))).toEqual([]);
    const deny = await patchwalk(['deny', id], { env: { PATCHWALK_STATE_DIR: state } });
    expect(deny.exitCode).toBe(2);
    expect(deny.stderr).toContain('deny needs --reason');
    driver.proc.kill('SIGTERM');
    expect((await driver.proc).exitCode).toBe(130);
  }, 60_000);
});

if (!canSwitch && required) {
  it('two-person approval by a second Unix user needs root and useradd/runuser here (PATCHWALK_REQUIRE_INTEGRATION=1)', () => {
    throw new Error(`cannot create a second user: ${isRoot ? 'useradd, groupadd or runuser is missing' : 'not running as root'}`);
  });
}

describe.skipIf(!canSwitch)('a second Unix user, created for the test, answers from their own session', () => {
  let user: OtherUser;
  beforeAll(() => {
    user = makeOtherUser('a');
  });
  afterAll(() => user?.remove());

  const asOther = (args: string[], input: string) =>
    execa('runuser', ['-u', user.name, '--', 'env', `PATCHWALK_STATE_DIR=${user.state}`, 'NO_COLOR=1', 'SSH_CLIENT=192.0.2.7 40000 22', 'node', user.cli, ...args], {
      cwd: '/',
      reject: false,
      input,
    });

  it('approves: sees the expanded command, types approve; the driver journals who, from where, why, and goes on', async () => {
    const file = writeRunbook(user.base, 'rb-approve.yaml', runbook('two-person'));
    const driver = startDriver(file, user.state);
    await driver.waitFor('waiting for approval');
    const id = readdirSync(join(user.state, 'runs')).sort().at(-1)!;
    const approve = await asOther(['approve', id, '--reason', 'CAB-42 approved'], 'approve\n');
    expect(approve.exitCode, String(approve.stderr)).toBe(0);
    expect(approve.stdout).toContain(`$ echo hello ${id}`);
    expect(approve.stdout).toContain('driven by root');
    const end = await driver.proc;
    expect(end.exitCode, driver.output()).toBe(0);
    expect(driver.output()).toContain(`approved by ${user.name} (uid ${user.uid}) from SSH client 192.0.2.7: "CAB-42 approved"`);
    const records = journal(user.state, id);
    const types = records.map((record) => record.type);
    expect(types.indexOf('approval-requested')).toBeLessThan(types.indexOf('approval-granted'));
    expect(types.indexOf('approval-granted')).toBeLessThan(types.indexOf('exec-start'));
    expect(records.find((record) => record.type === 'approval-granted')).toMatchObject({
      step: 'hello',
      reason: 'CAB-42 approved',
      approver: { user: user.name, uid: user.uid, ssh_client: '192.0.2.7', same_account: false },
    });
    // The decision file is the approver's own: its owner is the proof of who approved.
    const [decision] = readdirSync(join(user.state, 'runs', id, 'approvals'));
    const stats = statSync(join(user.state, 'runs', id, 'approvals', decision!));
    expect(stats.uid).toBe(user.uid);
    expect((stats.mode & 0o777).toString(8)).toBe('640');
    expect((statSync(join(user.state, 'runs', id, 'journal.jsonl')).mode & 0o777).toString(8)).toBe('660');
    const report = await asOther(['report', id], '');
    expect(report.stdout).toContain('## Two-person approvals');
    expect(report.stdout).toContain('CAB-42 approved');
  }, 60_000);

  it('denies with a reason: the driver asks what now, and ending the run is journaled', async () => {
    const file = writeRunbook(user.base, 'rb-deny.yaml', runbook('two-person'));
    const driver = startDriver(file, user.state);
    await driver.waitFor('waiting for approval');
    const id = readdirSync(join(user.state, 'runs')).sort().at(-1)!;
    const deny = await asOther(['deny', id, '--reason', 'not in this window'], 'deny\n');
    expect(deny.exitCode, String(deny.stderr)).toBe(0);
    await driver.waitFor('What now?');
    expect(driver.output()).toContain(`${user.name} (uid ${user.uid}) from SSH client 192.0.2.7 denied step hello: "not in this window"`);
    driver.proc.stdin?.write('abort\n');
    const end = await driver.proc;
    expect(end.exitCode, driver.output()).toBe(1);
    expect(existsSync(join(user.state, 'runs', id, 'steps'))).toBe(true);
    const records = journal(user.state, id);
    expect(records.find((record) => record.type === 'approval-denied')).toMatchObject({ reason: 'not in this window', approver: { user: user.name } });
    expect(records.some((record) => record.type === 'exec-start')).toBe(false);
    // Nothing is waiting any more: a late approve says so.
    const late = await asOther(['approve', id], 'approve\n');
    expect(late.exitCode).toBe(1);
    expect(late.stderr).toContain('has ended');
  }, 60_000);
});
