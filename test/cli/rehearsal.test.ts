// `run --rehearse`: any runbook against a simulated copy of its inventory, executing nothing, here
// or on the host. The kvm runbook is rehearsed against a saved inventory (`vms --json`), with
// steps added that would create a file if anything ran them.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';

const INVENTORY = join(ROOT, 'test/fixtures/rehearsal/kvm01-inventory.json');
const KVM = readFileSync(join(ROOT, 'runbooks/kvm-host-patch.yaml'), 'utf8');

/** The kvm runbook with steps inserted first: commands that would leave files, canned results. */
function kvmCopy(dir: string, name: string, options: { withoutSsh?: boolean } = {}) {
  const markers = { local: join(dir, 'MARKER-local'), host: join(dir, 'MARKER-host') };
  const added = `steps:
  - id: marker-local
    title: A command that would create a file here
    run: touch ${markers.local}
  - id: marker-host
    title: A command that would create a file on the host
    run: touch ${markers.host}
    on: host
  - id: agent-state
    title: Is libvirtd up?
    run: systemctl is-active libvirtd
    on: host
    rehearse: { output: "inactive", exit_code: 3 }
  - id: reboot-flag
    title: Read the reboot flag
    run: cat /var/run/reboot-required
    on: host
    capture: reboot_flag
    rehearse: { output: "*** System restart required ***" }
  - id: when-canned
    title: Only when the flag asks for a restart
    when: reboot_flag matches "restart required"
    run: [echo, "{{ reboot_flag }}"]
`;
  let text = KVM.replace(/^steps:\n/m, added);
  if (options.withoutSsh) text = text.replace('target: { name: "{{ host }}", ssh: "{{ user }}@{{ host }}" }', 'target: { name: "{{ host }}" }');
  return { file: writeRunbook(dir, name, text), markers };
}

const runsIn = (state: string) => readdirSync(join(state, 'runs'));
const journalOf = (state: string, id: string) =>
  readFileSync(join(state, 'runs', id, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

// Answers, one a line: the ssh user (default), the failed canned step (skip), the shutdown set, the host name.
const ANSWERS = '\nskip\ny\nkvm01\n';
const ENV = { PATCHWALK_SIM_SPEED: '200' };

describe('patchwalk run --rehearse', () => {
  it('rehearses the kvm runbook on a saved inventory: nothing is executed, here or on the host, and no lock is taken', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file, markers } = kvmCopy(dir, 'kvm.yaml');
    const result = await patchwalk(['run', file, '--rehearse', '--inventory', INVENTORY, '--set', 'host=kvm01', '--plain'], {
      input: ANSWERS,
      env: { ...ENV, PATCHWALK_STATE_DIR: state },
      cwd: dir,
    });
    const out = String(result.stdout);
    expect(result.exitCode, `${out}\n${String(result.stderr)}`).toBe(0);
    expect(existsSync(markers.local)).toBe(false);
    expect(existsSync(markers.host)).toBe(false);
    // The VM named evil;$(touch pwned) has a per-VM command too: nothing ran it.
    expect(existsSync(join(dir, 'pwned'))).toBe(false);

    expect(out).toContain('REHEARSAL: simulated VMs, no command is executed');
    expect(out).toContain(`rehearsal, not run on root@kvm01: touch ${markers.host}`);
    expect(out).toMatch(new RegExp(`rehearsal, not run on this machine \\(.*\\): touch ${markers.local}`));
    expect(out).toContain('│ (rehearsal: not run; it succeeds with no output)');
    // The canned failure drove on_failure (ask): the operator chose skip.
    expect(out).toContain('│ inactive');
    expect(out).toContain('Step agent-state failed: exit code 3. What now?');
    expect(out).toContain('failed (exit code 3), then skipped');
    // capture and when work on canned output.
    expect(out).toContain('rehearsal, not run on this machine');
    expect(out).not.toContain('skipped: when "reboot_flag matches');
    // The simulated copy of the inventory: every VM shut down, the host rebooted, all back.
    expect(out).toContain('» shut down: web01, web02, db01, evil;$(touch pwned)');
    expect(out).toContain('» kvm01 is back');
    expect(out).toMatch(/build01 +shut-off +shut-off +ok/);
    expect(out).toMatch(/db01 +running +running +ok/);

    const [id] = runsIn(state);
    const records = journalOf(state, id!);
    expect(records[0]).toMatchObject({ type: 'run-start', rehearsal: true });
    expect(records.filter((record) => record.type === 'lock')).toEqual([]);
    expect(existsSync(join(state, 'locks')) ? readdirSync(join(state, 'locks')) : []).toEqual([]);
    // Each command is journaled with what was shown of it, in an output file as real ones are.
    const started = records.filter((record) => record.type === 'exec-start');
    expect(started.map((record) => record.command)).toContain(`touch ${markers.host}`);
    const shown = readFileSync(join(state, 'runs', id!, String(started[0]!.output)), 'utf8');
    expect(shown).toBe('O (rehearsal: not run; it succeeds with no output)\n');

    const runs = await patchwalk(['runs'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(String(runs.stdout)).toContain('done (REHEARSAL)');
    const report = String((await patchwalk(['report', 'latest'], { env: { PATCHWALK_STATE_DIR: state } })).stdout);
    expect(report).toContain('# Run report (REHEARSAL): Monthly patch of KVM host kvm01');
    expect(report).toContain('no command was executed');
    expect(report).toMatch(/### \d+\. Is libvirtd up\?\n\nexit 3 [^\n]*\n\n```text\n\(rehearsal: not run; the runbook's rehearse: result follows, exit code 3\)\ninactive\n```/);
    // Every decision, from the journal.
    expect(report).toMatch(/\| agent-state \| Step agent-state failed: exit code 3\. What now\? \| skip \| operator \|/);
    expect(report).toMatch(/\| reboot \| .*Type the host name to confirm \| kvm01 \| operator \|/);
  }, 60_000);

  it('allows on: host without target.ssh only in a rehearsal, which runs it nowhere', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file, markers } = kvmCopy(dir, 'no-ssh.yaml', { withoutSsh: true });
    const refused = await patchwalk(['run', file, '--set', 'host=kvm01', '--plain'], { env: { ...ENV, PATCHWALK_STATE_DIR: state } });
    expect(refused.exitCode).toBe(2);
    expect(String(refused.stderr)).toContain('on: host runs the command over ssh at target.ssh');
    expect((await patchwalk(['lint', file])).exitCode).toBe(2);

    // Its inventory can be saved for the rehearsal all the same: listing VMs runs no step.
    const sim = writeRunbook(dir, 'sim-no-ssh.yaml', 'runbook: 1\ntitle: T\ninventory: { provider: sim }\nsteps:\n  - { id: up, title: Up, run: "true", on: host }\n');
    const saved = await patchwalk(['vms', sim, '--json']);
    expect(saved.exitCode, String(saved.stderr)).toBe(0);
    expect(JSON.parse(String(saved.stdout))).toHaveLength(6);

    const result = await patchwalk(['run', file, '--rehearse', '--inventory', INVENTORY, '--set', 'host=kvm01', '--plain'], {
      input: ANSWERS,
      env: { ...ENV, PATCHWALK_STATE_DIR: state },
    });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stdout)).toContain(`rehearsal, not run on the host (the runbook names no target.ssh): touch ${markers.host}`);
    expect(existsSync(markers.host)).toBe(false);
    expect(existsSync(markers.local)).toBe(false);
  }, 60_000);

  it('a resumed rehearsal stays a rehearsal: same simulated host, nothing executed, no lock', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const { file, markers } = kvmCopy(dir, 'kvm.yaml');
    const env = { ...ENV, PATCHWALK_STATE_DIR: state };
    // stdin ends at the shutdown question: exit 3, the run is kept.
    const first = await patchwalk(['run', file, '--rehearse', '--inventory', INVENTORY, '--set', 'host=kvm01', '--plain'], { input: '\nskip\n', env });
    expect(first.exitCode).toBe(3);
    const [id] = runsIn(state);
    expect(readFileSync(join(state, 'runs', id!, 'rehearsal-inventory.json'), 'utf8')).toContain('evil;$(touch pwned)');

    const resumed = await patchwalk(['resume', id!, '--plain'], { input: 'y\nkvm01\n', env });
    const out = String(resumed.stdout);
    expect(resumed.exitCode, `${out}\n${String(resumed.stderr)}`).toBe(0);
    expect(out).toContain('rehearsal, not run on root@kvm01: DEBIAN_FRONTEND=noninteractive apt-get');
    expect(out).toContain('» shut down: web01, web02, db01, evil;$(touch pwned)');
    expect(existsSync(markers.host) || existsSync(markers.local)).toBe(false);
    expect(journalOf(state, id!).filter((record) => record.type === 'lock')).toEqual([]);
  }, 60_000);

  // libvirt's in-process test driver (test:///default, one running domain named "test") stands for
  // a real host; a virsh on PATH logs every call before handing it to the real one.
  it.skipIf(!existsSync('/usr/bin/virsh'))('without --inventory reads the real inventory once, read-only, and changes it only in the simulation', async () => {
    const dir = tempDir();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'virsh.log');
    writeFileSync(join(bin, 'virsh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec /usr/bin/virsh "$@"\n`);
    chmodSync(join(bin, 'virsh'), 0o755);
    const marker = join(dir, 'MARKER');
    const file = writeRunbook(dir, 'libvirt.yaml', `runbook: 1
title: A libvirt host
unattended: true
inventory: { provider: libvirt, uri: "test:///default" }
target: { name: testhost, ssh: root@testhost }
steps:
  - { id: upgrade, title: Update, run: "touch ${marker}", on: host }
  - { id: stop, title: Stop, shutdown: { select: running, timeout: 1m } }
  - { id: boot, title: Reboot, reboot: { confirm: yes-no, wait: 5m } }
  - { id: start, title: Start, start: {} }
`);
    const result = await patchwalk(['run', file, '--rehearse', '--yes', '--plain'], { env: { ...ENV, PATH: `${bin}:${process.env.PATH}` } });
    const out = String(result.stdout);
    expect(result.exitCode, `${out}\n${String(result.stderr)}`).toBe(0);
    expect(out).toContain('» test: shut-off');
    expect(out).toContain('» testhost is back');
    expect(existsSync(marker)).toBe(false);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    // The listing only: no shutdown, destroy, start or reboot reached the host.
    expect(calls.every((call) => /^-c test:\/\/\/default (list|domstats|echo @@patchwalk-\w+ [0-9a-f-]+; (dominfo|dumpxml) )/.test(call)), calls.join('\n')).toBe(true);
    expect(calls.filter((call) => call.includes('list --all --uuid --name'))).toHaveLength(1);
  }, 60_000);

  it('an interrupted rehearsal is never taken for a real run: resume picks the real one, and a new run is not asked about it', async () => {
    const dir = tempDir();
    const env = { ...ENV, PATCHWALK_STATE_DIR: join(dir, 'state') };
    const file = writeRunbook(dir, 'pick.yaml', `runbook: 1
title: Pick
inventory: { provider: sim, vms: [{ name: web01, state: running }] }
target: { name: sim01 }
steps:
  - { id: go, title: Go, run: "true" }
  - { id: stop, title: Stop, shutdown: { select: running, timeout: 1m } }
  - { id: ask, title: Ask, confirm: "Go on?" }
`);
    const rehearsal = await patchwalk(['run', file, '--rehearse', '--plain'], { input: 'y\n', env });
    expect(rehearsal.exitCode).toBe(3);
    // Its simulated web01 is down, yet a real run on sim01 does not stop to ask about it.
    const real = await patchwalk(['run', file, '--plain'], { env });
    expect(real.exitCode).toBe(3);
    expect(String(real.stdout)).not.toContain('has an interrupted run');
    const ids = runsIn(env.PATCHWALK_STATE_DIR);
    const rehearsalId = ids.find((id) => journalOf(env.PATCHWALK_STATE_DIR, id)[0]?.rehearsal === true)!;
    const realId = ids.find((id) => id !== rehearsalId)!;
    const resumed = await patchwalk(['resume', '--plain'], { env });
    expect(String(resumed.stdout)).toContain(realId);
    expect(String(resumed.stdout)).not.toContain(rehearsalId);
  }, 60_000);

  it('shows each command expanded with secrets masked, in the command and in canned output', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'secret.yaml', `runbook: 1
title: Secret
params:
  token: { prompt: Token, secret: true }
inventory: { provider: sim, vms: [{ name: web01, state: running }] }
steps:
  - id: use
    title: Use it
    run: [curl, -H, "Authorization: {{ token }}", https://example.invalid]
    rehearse: { output: "the server said s3cr3t-value" }
`);
    const result = await patchwalk(['run', file, '--rehearse', '--plain'], { input: 's3cr3t-value\n', env: { ...ENV, PATCHWALK_STATE_DIR: state } });
    const out = String(result.stdout);
    expect(result.exitCode).toBe(0);
    expect(out).toContain("rehearsal, not run on this machine");
    expect(out).toContain("curl -H 'Authorization: ********' https://example.invalid");
    expect(out).toContain('│ the server said ********');
    expect(out).not.toContain('s3cr3t-value');
    const [id] = runsIn(state);
    expect(readFileSync(join(state, 'runs', id!, 'journal.jsonl'), 'utf8')).not.toContain('s3cr3t-value');
  }, 30_000);

  it('a step that needs two-person approval does not keep a rehearsal waiting: it says where a real run would wait', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'approval.yaml', `runbook: 1
title: Approval
inventory: { provider: sim, vms: [{ name: web01, state: running }] }
steps:
  - { id: upgrade, title: Upgrade, run: "apt-get -y dist-upgrade", approval: two-person }
`);
    const env = { ...ENV, PATCHWALK_STATE_DIR: join(dir, 'state') };
    const result = await patchwalk(['run', file, '--rehearse', '--plain'], { env, timeout: 20_000 });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    // A rehearsal takes no real time: it leaves no history behind the ETA.
    expect(JSON.parse(String((await patchwalk(['history', file, '--json'], { env })).stdout))).toMatchObject({ runs: 0 });
    expect(String(result.stdout)).toMatch(/step upgrade would wait here for a second operator: patchwalk approve \S+/);
    expect(String(result.stdout)).toContain('rehearsal, not run on this machine');
  }, 30_000);

  it('a watcher sees a rehearsal as one: REHEARSAL, and each command shown as not run', async () => {
    const dir = tempDir();
    const env = { ...ENV, PATCHWALK_STATE_DIR: join(dir, 'state') };
    const marker = join(dir, 'MARKER');
    const file = writeRunbook(dir, 'watch.yaml', `runbook: 1
title: Watched
inventory: { provider: sim, vms: [{ name: web01, state: running }] }
steps:
  - { id: touch, title: Touch, run: "touch ${marker}", on: host }
`);
    expect((await patchwalk(['run', file, '--rehearse', '--plain'], { env })).exitCode).toBe(0);
    const watched = await patchwalk(['watch', 'latest', '--plain'], { env, timeout: 20_000 });
    const out = String(watched.stdout);
    expect(watched.exitCode, String(watched.stderr)).toBe(0);
    expect(out).toContain('REHEARSAL: simulated VMs, no command is executed');
    expect(out).toContain(`rehearsal, not run on the host (the runbook names no target.ssh): touch ${marker}`);
    expect(out).toContain('│ (rehearsal: not run; it succeeds with no output)');
    expect(existsSync(marker)).toBe(false);
  }, 30_000);

  it('checks a saved inventory: size, JSON, each field, named with the file', async () => {
    const dir = tempDir();
    const { file } = kvmCopy(dir, 'kvm.yaml');
    const run = (inventory: string) => patchwalk(['run', file, '--rehearse', '--inventory', inventory, '--set', 'host=kvm01', '--plain']);
    const badState = join(dir, 'bad-state.json');
    writeFileSync(badState, JSON.stringify([{ name: 'web01', state: 'running' }, { name: 'db01', state: 'sleeping' }]));
    let result = await run(badState);
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(`--inventory ${badState}: [1].state (VM "db01"): `);
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, 'name,state\nweb01,running\n');
    result = await run(notJson);
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(`--inventory ${notJson}: not JSON`);
    result = await run(join(dir, 'missing.json'));
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain('cannot read it (ENOENT)');
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, JSON.stringify([{ name: 'web01', state: 'running' }, { name: 'web01', state: 'shut-off' }]));
    result = await run(twice);
    expect(String(result.stderr)).toContain('[1].name: VM "web01" is listed twice');
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 17 * 1024 * 1024);
    result = await run(huge);
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain(`--inventory ${huge}: ${17 * 1024 * 1024} bytes, and a saved inventory may have at most ${16 * 1024 * 1024}`);
    // A cluster runbook rehearses (test/cli/rehearsal-cluster.test.ts), but a single host's saved VMs name no member.
    const cluster = await patchwalk(['run', join(ROOT, 'runbooks/demo-cluster.yaml'), '--rehearse', '--inventory', INVENTORY, '--plain']);
    expect(cluster.exitCode).toBe(2);
    expect(String(cluster.stderr)).toContain(`--inventory ${INVENTORY}: [0].host (VM "web01"): missing`);
    const usage = await patchwalk(['run', file, '--inventory', INVENTORY]);
    expect([usage.exitCode, String(usage.stderr)]).toEqual([2, 'patchwalk: --inventory is for rehearsals: add --rehearse']);
  }, 60_000);
});

describe('patchwalk run --rehearse --guided', () => {
  const GUIDED = `runbook: 1
title: Guided
inventory:
  provider: sim
  vms:
    - { name: web01, state: running, tags: [web] }
    - { name: web02, state: running, tags: [web] }
    - { name: build01, state: shut-off }
target: { name: sim01, ssh: root@sim01 }
steps:
  - id: kernel
    title: Check the running kernel
    run: uname -r
    on: host
    why: The new kernel only runs after the reboot.
    expect: { text: A 6.1 kernel., exit_code: 0, output: "^6\\\\.1" }
    rehearse: { output: "6.1.158-1-amd64" }
  - id: stop
    title: Stop the web VMs
    shutdown: { select: "tag:web", mode: graceful, timeout: 1m }
    expect: { vms: { select: "tag:web", state: shut-off } }
  - id: agent
    title: Ping the agent
    run: echo ping
    expect: { exit_code: 0 }
    rehearse: { exit_code: 1 }
    on_failure: skip
`;

  it('before each step shows why, expect and what it does to which VMs, and waits for Enter', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'guided.yaml', GUIDED);
    // One Enter only: the run waits at the second step's briefing, and stdin is closed there.
    const result = await patchwalk(['run', file, '--rehearse', '--guided', '--plain'], { input: '\n', env: ENV });
    const out = String(result.stdout);
    expect(result.exitCode).toBe(3);
    expect(out).toContain('REHEARSAL: simulated VMs, no command is executed · GUIDED');
    const first = out.indexOf('── [1/3] Check the running kernel');
    const waited = out.indexOf('? Guided: Check the running kernel. Press Enter to start this step');
    const ran = out.indexOf('rehearsal, not run on root@sim01: uname -r');
    expect(first).toBeGreaterThan(-1);
    expect(out.slice(first, waited)).toContain('why: The new kernel only runs after the reboot.');
    expect(out.slice(first, waited)).toContain('expect: A 6.1 kernel. (checks: exit code 0; output matches /^6\\.1/)');
    expect(out.slice(first, waited)).toContain('guided: this step runs on the host: uname -r');
    expect(ran).toBeGreaterThan(waited);
    expect(out).toContain('kernel: expect: as expected (exit code 0; output matches /^6\\.1/)');
    // The second step: what it does to which VMs, then it waits; nothing was shut down.
    expect(out).toContain('guided: shut down: web01, web02 (2 VM(s))');
    expect(String(result.stderr)).toContain('input needed but none available: "Guided: Stop the web VMs. Press Enter to start this step"');
    expect(out).not.toContain('» shut down');
  }, 30_000);

  it('compares each outcome with expect, and the report lists every decision the trainee made', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'guided.yaml', GUIDED);
    const env = { ...ENV, PATCHWALK_STATE_DIR: state };
    const result = await patchwalk(['run', file, '--rehearse', '--guided', '--plain'], { input: '\n\ny\n\n', env });
    const out = String(result.stdout);
    expect(result.exitCode, `${out}\n${String(result.stderr)}`).toBe(0);
    expect(out).toContain('stop: expect: as expected (2 VM(s) shut-off)');
    expect(out).toContain('agent: expect: not as expected: exit code 1, expected 0');
    const report = String((await patchwalk(['report', 'latest'], { env })).stdout);
    expect(report).toContain('(REHEARSAL) (guided)');
    expect(report).toContain('## Decisions (every answer the trainee gave)');
    for (const step of ['kernel', 'stop', 'agent']) expect(report).toMatch(new RegExp(`\\| ${step} \\| Guided: .* \\| yes \\| operator \\|`));
    expect(report).toMatch(/\| stop \| Shut down .* \| web01, web02 \| operator \|/);
    expect(report).toContain('agent: expect: not as expected: exit code 1, expected 0');
  }, 30_000);
});

describe('the report of a run whose params were asked', () => {
  it('shows the title and the host as the operator saw them, though run-start was written before the answers (no lock in a rehearsal)', async () => {
    const dir = tempDir();
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'asked.yaml', 'runbook: 1\ntitle: "Patch {{ host }}"\nparams:\n  host: { prompt: Host to patch }\ntarget: { name: "{{ host }}" }\nsteps:\n  - { id: hi, title: Hi, run: "echo hi" }\n');
    const run = await patchwalk(['run', file, '--rehearse', '--plain'], { input: 'kvm9\n', env: { ...ENV, PATCHWALK_STATE_DIR: state } });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const report = String((await patchwalk(['report', 'latest'], { env: { PATCHWALK_STATE_DIR: state } })).stdout);
    expect(report).toContain('# Run report (REHEARSAL): Patch kvm9');
    expect(report).toContain('| Host | kvm9 |');
  }, 30_000);
});
