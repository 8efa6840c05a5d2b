import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/engine/engine.js';
import { Run, VMS } from './harness.js';

const HEAD = 'runbook: 1\ntitle: T\n';

describe('params', () => {
  const yaml = `${HEAD}params:
  host: { prompt: Host to patch, default: kvm01, pattern: "^[a-z0-9]+$" }
  token: { prompt: API token, secret: true }
steps:
  - { id: a, title: A, run: "echo {{ host }} {{ token }}" }
`;

  it('asks for each param, re-asks when the answer breaks the pattern, then runs with the values', () => {
    const run = new Run(yaml);
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'input', question: 'Host to patch', default: 'kvm01' });
    run.answer('KVM 01');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ question: 'Host to patch', error: expect.stringContaining('does not match') });
    run.answer('kvm02').answer('s3cret');
    const exec = run.expectEffect('exec');
    // The secret reaches the command through its environment, never its command line.
    expect(exec.command).toEqual({ shell: 'echo kvm02 "$PW_SECRET_1"', env: { PW_SECRET_1: 's3cret' } });
    expect(exec.display).toBe("echo kvm02 '********'");
    expect(run.state.answers.map((answer) => answer.answer)).toEqual(['KVM 01', 'kvm02', '********']);
  });

  it('takes --set values and, under --yes, defaults without asking', () => {
    const run = new Run(yaml, { yes: true }, { token: 't' });
    expect(run.expectEffect('exec').command).toEqual({ shell: 'echo kvm01 "$PW_SECRET_1"', env: { PW_SECRET_1: 't' } });
  });

  it('still asks under --yes for a param with no default', () => {
    const run = new Run(yaml, { yes: true });
    expect(run.expectEffect('prompt').prompt).toMatchObject({ question: 'API token', secret: true });
  });
});

describe('plan and conditions', () => {
  it('lists the inventory first only when a step needs VMs', () => {
    expect(new Run(`${HEAD}steps:\n  - { id: a, title: A, run: "true" }\n`).effect.type).toBe('exec');
    expect(new Run(`${HEAD}steps:\n  - { id: a, title: A, vms: {} }\n`).effect.type).toBe('inventory');
  });

  it('skips a step whose when is false and says why', () => {
    const run = new Run(`${HEAD}steps:
  - { id: a, title: A, run: "false", on_failure: skip }
  - { id: b, title: B, run: "true", when: 'steps.a.status == "done"' }
  - { id: c, title: C, run: "true", when: 'steps.a.status == "skipped" and not run.dry_run' }
`);
    run.exec(1);
    expect(run.step('a')).toMatchObject({ status: 'skipped', exitCode: 1, message: 'failed (exit code 1), then skipped' });
    expect(run.step('b')).toMatchObject({ status: 'skipped', message: 'skipped: when "steps.a.status == "done"" is false' });
    expect(run.effect.type).toBe('exec');
    run.exec(0);
    expect(run.state.phase).toBe('done');
  });

  it('passes captured output on to later steps and conditions', () => {
    const run = new Run(`${HEAD}steps:
  - { id: count, title: Count, run: "wc -l", capture: pending }
  - { id: show, title: Show, run: [echo, "{{ pending }} updates"], when: "pending > 0" }
`);
    run.exec(0, { stdout: ' 12\n' });
    expect(run.state.vars.pending).toBe('12');
    expect(run.expectEffect('exec').command).toEqual({ argv: ['echo', '12 updates'] });
  });

  it('warns when a step could overrun what is left of the window', () => {
    const run = new Run(`${HEAD}window: { duration: 30m }
steps:
  - { id: a, title: A, run: "true" }
  - { id: b, title: B, run: "true", timeout: 45m }
`);
    run.tick(10 * 60_000).exec(0);
    expect(run.state.notices.at(-1)?.text).toBe('step b may take up to 45m, but only 20m00s of the window is left');
  });
});

describe('step status and failures', () => {
  const failing = (onFailure: string) => `${HEAD}steps:
  - { id: up, title: Upgrade, run: "apt-get upgrade", timeout: 5s, on_failure: ${onFailure} }
  - { id: after, title: After, note: done }
`;

  it('asks retry, skip or abort by default, and retries the same command', () => {
    const run = new Run(`${HEAD}steps:\n  - { id: up, title: Upgrade, run: "apt-get upgrade" }\n`);
    expect(run.step('up').status).toBe('running');
    run.exec(100);
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt).toMatchObject({ kind: 'choice', question: 'Step up failed: exit code 100. What now?' });
    expect(prompt.kind === 'choice' && prompt.options.map((option) => option.value)).toEqual(['retry', 'skip', 'abort']);
    run.answer('retry').exec(0);
    expect(run.step('up')).toMatchObject({ status: 'done', attempts: 2, exitCode: 0 });
    expect(run.state.phase).toBe('done');
  });

  it('abort fails the step and the run', () => {
    const run = new Run(failing('ask')).exec(2).answer('abort');
    expect(run.step('up').status).toBe('failed');
    expect(run.step('after').status).toBe('pending');
    expect(run.state).toMatchObject({ phase: 'failed', outcome: 'step up failed: exit code 2' });
  });

  it('on_failure: abort stops at once; skip goes on', () => {
    expect(new Run(failing('abort')).exec(1).state.phase).toBe('failed');
    const skipped = new Run(failing('skip')).exec(1);
    expect(skipped.step('up').status).toBe('skipped');
    expect(skipped.state.phase).toBe('done');
  });

  it('retries the given number of times with a delay, then applies then', () => {
    const run = new Run(failing('{ retry: 2, delay: 10s, then: abort }'));
    run.exec(1).slept().exec(1).slept();
    expect(run.state.notices.map((notice) => notice.text)).toEqual([
      'up: exit code 1; retrying (attempt 2 of 3)',
      'up: exit code 1; retrying (attempt 3 of 3)',
    ]);
    run.exec(1);
    expect(run.state.phase).toBe('failed');
    expect(run.step('up').attempts).toBe(3);
  });

  it('reports a timeout as a timeout', () => {
    const run = new Run(failing('abort')).exec(null, { timedOut: true });
    expect(run.step('up').message).toBe('timed out after 5s');
  });

  it('an operator abort (Ctrl-C) ends the run as interrupted', () => {
    const run = new Run(failing('ask'));
    run.state = reduce(run.state, { type: 'abort', reason: 'SIGINT received', at: 5 });
    expect(run.state).toMatchObject({ phase: 'aborted', interrupted: true, effect: null });
    expect(run.step('up')).toMatchObject({ status: 'failed', message: 'interrupted: SIGINT received' });
  });

  it('ignores an answer to an effect it no longer waits for', () => {
    const run = new Run(failing('ask'));
    const before = run.state;
    run.state = reduce(run.state, { type: 'exec-done', effectId: 999, exitCode: 0, timedOut: false, at: 1 });
    expect(run.state.steps).toEqual(before.steps);
  });
});

describe('wait', () => {
  const yaml = `${HEAD}steps:
  - id: up
    title: Wait for the host
    wait: { check: "ping -c1 host", interval: 10s, timeout: 30s }
    on_failure: abort
`;
  it('polls until the check passes', () => {
    const run = new Run(yaml).exec(1).slept().exec(1).slept().exec(0);
    expect(run.step('up')).toMatchObject({ status: 'done', message: 'passed after 20s' });
  });

  it('gives up at its timeout', () => {
    const run = new Run(yaml).exec(1).slept().exec(1).slept().exec(1).slept().exec(1);
    expect(run.step('up').message).toBe('check did not pass within 30s (last: exit code 1)');
    expect(run.state.phase).toBe('failed');
  });
});

describe('prompts', () => {
  it('confirm no aborts, or skips with on_no: skip', () => {
    expect(new Run(`${HEAD}steps:\n  - { id: c, title: C, confirm: Go on? }\n`).answer(false).state).toMatchObject({
      phase: 'aborted',
      interrupted: false,
    });
    const skip = new Run(`${HEAD}steps:\n  - { id: c, title: C, confirm: { prompt: Go on?, on_no: skip } }\n`).answer(false);
    expect(skip.step('c').status).toBe('skipped');
  });

  it('input checks its pattern and choice stores the value', () => {
    const run = new Run(`${HEAD}steps:
  - { id: i, title: I, input: { prompt: Ticket, var: ticket, pattern: "CHG[0-9]+" } }
  - { id: c, title: C, choice: { prompt: Kernel, var: kernel, options: [lts, edge] } }
  - { id: r, title: R, run: "echo {{ ticket }} {{ kernel }}" }
`);
    run.answer('nope');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ error: '"nope" does not match CHG[0-9]+' });
    run.answer('CHG42').answer('edge');
    expect(run.expectEffect('exec').command).toEqual({ shell: 'echo CHG42 edge' });
  });

  it('--yes answers plain confirmations, with the answer recorded as such', () => {
    const run = new Run(`${HEAD}steps:\n  - { id: c, title: C, confirm: Go on? }\n`, { yes: true });
    expect(run.state.phase).toBe('done');
    expect(run.state.answers).toEqual([{ stepId: 'c', question: 'Go on?', answer: 'yes', by: 'yes', at: 0 }]);
  });
});

describe('per-VM steps', () => {
  const yaml = `${HEAD}steps:
  - id: agent
    title: Check the agent on {{ vm.name }}
    each_vm: running
    run: [virsh, qemu-agent-command, "{{ vm.name }}", '{"execute":"guest-ping"}']
    on_failure: ask
`;
  it('runs once for each selected VM with vm.* bound', () => {
    const run = new Run(yaml).inventory();
    expect(run.expectEffect('exec').command).toEqual({ argv: ['virsh', 'qemu-agent-command', 'web01', '{"execute":"guest-ping"}'] });
    run.exec(0);
    expect(run.expectEffect('exec').command).toMatchObject({ argv: expect.arrayContaining(['db01']) });
    run.exec(1);
    expect(run.expectEffect('prompt').prompt).toMatchObject({ question: 'Step agent (db01) failed: exit code 1. What now?' });
    run.answer('skip').exec(0);
    expect(run.step('agent')).toMatchObject({ status: 'done', message: '2 of 3 VMs done, 1 skipped' });
    expect(run.step('agent').items?.map((item) => `${item.vm}:${item.status}`)).toEqual(['web01:done', 'db01:skipped', 'cache01:done']);
  });

  it('is skipped when no VM matches', () => {
    const run = new Run(yaml).inventory(VMS.map((vm) => ({ ...vm, state: 'shut-off' as const })));
    expect(run.step('agent')).toMatchObject({ status: 'skipped', message: 'no VMs match each_vm: running' });
  });
});

const PATCH = `${HEAD}steps:
  - id: down
    title: Shut down
    shutdown: { select: running, timeout: 5m }
  - id: reboot
    title: Reboot
    reboot: { wait: 10m }
  - id: up
    title: Restore
    start: { select: stopped-by-this-run, order: [db01] }
`;

describe('shutdown, reboot and restore', () => {
  it('asks which VMs to shut down, defaulting to the running ones', () => {
    const run = new Run(PATCH).inventory();
    expect(run.expectEffect('prompt').prompt).toEqual({
      kind: 'select-vms',
      question: 'Shut down (graceful, up to 5m each): 3 VM(s)',
      options: ['web01', 'db01', 'cache01'],
      selected: ['web01', 'db01', 'cache01'],
      destructive: false,
    });
    run.answer(['web01', 'db01']);
    expect(run.expectEffect('vm-power')).toMatchObject({ action: 'shutdown', vms: ['web01', 'db01'], timeoutMs: 300_000, concurrency: 4 });
  });

  it('asks about a VM that ignores the graceful shutdown: force, wait or leave it', () => {
    const run = new Run(PATCH).inventory().answer(['web01', 'db01', 'cache01']).power({ cache01: 'timeout' });
    expect(run.state.stoppedByRun).toEqual(['web01', 'db01']);
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt).toMatchObject({ kind: 'choice', question: 'cache01 did not shut down within 5m. What now?', destructive: true });
    run.answer('wait').power({ cache01: 'timeout' }).answer('force');
    expect(run.expectEffect('vm-power')).toMatchObject({ action: 'poweroff', vms: ['cache01'] });
    run.power();
    expect(run.step('down')).toMatchObject({ status: 'done', message: '2 stopped, 1 forced' });
    expect(run.vm('cache01').state).toBe('shut-off');
  });

  it('--yes does not force a VM off unless the runbook allows unattended runs', () => {
    const asked = new Run(PATCH, { yes: true }).inventory().power({ cache01: 'timeout' });
    expect(asked.expectEffect('prompt').prompt).toMatchObject({ question: 'cache01 did not shut down within 5m. What now?' });
    const unattended = new Run(`unattended: true\n${PATCH}`, { yes: true }).inventory().power({ cache01: 'timeout' });
    expect(unattended.expectEffect('vm-power')).toMatchObject({ action: 'poweroff', vms: ['cache01'] });
  });

  it('then: skip leaves a stuck VM running with a warning', () => {
    const run = new Run(PATCH.replace('timeout: 5m }', 'timeout: 5m, then: skip }')).inventory().answer(['cache01']).power({ cache01: 'timeout' });
    expect(run.step('down')).toMatchObject({ status: 'done', message: '1 left-running' });
    expect(run.state.notices.at(-1)?.text).toBe('cache01 did not shut down within 5m and was left running');
  });

  it('refuses a wrongly typed host name, reboots on the right one, and restores exactly what it stopped', () => {
    const run = new Run(PATCH).inventory().answer(['web01', 'db01', 'cache01']).power();
    const prompt = run.expectEffect('prompt').prompt;
    expect(prompt).toMatchObject({ kind: 'type-to-confirm', expected: 'sim-host' });
    run.answer('sim-hots');
    expect(run.expectEffect('prompt').prompt).toMatchObject({ error: '"sim-hots" is not sim-host; type the host name exactly, or quit' });
    run.answer('sim-host');
    expect(run.expectEffect('reboot')).toMatchObject({ host: 'sim-host', waitMs: 600_000 });
    // The host comes back with web01 and cache01 autostarted.
    run.rebooted().tick(60_000).inventory(VMS.map((vm) => ({ ...vm, state: vm.autostart ? ('running' as const) : ('shut-off' as const) })));
    expect(run.step('reboot')).toMatchObject({ status: 'done', message: 'host back after 1m00s' });
    const start = run.expectEffect('vm-power');
    expect(start).toMatchObject({ action: 'start', vms: ['db01'] });
    run.power();
    expect(run.step('up').vmOutcomes).toEqual({ web01: 'already running', cache01: 'already running', db01: 'started' });
    expect(run.vm('build01').state).toBe('shut-off');
    expect(run.state.phase).toBe('done');
  });

  it('counts a VM that went down with the host as stopped by this run', () => {
    const run = new Run(PATCH).inventory().answer(['db01']).power().answer('sim-host').rebooted();
    run.inventory(VMS.map((vm) => ({ ...vm, state: vm.name === 'web01' ? ('running' as const) : ('shut-off' as const) })));
    expect(run.state.stoppedByRun).toEqual(['db01', 'cache01']);
    expect(run.state.notices.at(-1)?.text).toBe('cache01 was running and went down with the host');
    expect(run.expectEffect('vm-power').vms).toEqual(['db01', 'cache01']);
  });

  it('orders a restore: the runbook order, then autostart VMs, then the rest', () => {
    const run = new Run(PATCH).inventory().answer(['web01', 'db01', 'cache01']).power().answer('sim-host').rebooted();
    run.inventory(VMS.map((vm) => ({ ...vm, state: 'shut-off' as const })));
    expect(run.expectEffect('vm-power').vms).toEqual(['db01', 'web01', 'cache01']);
  });

  it('fails the reboot step when the host does not come back', () => {
    const run = new Run(PATCH.replace('reboot: { wait: 10m }', 'reboot: { wait: 10m }\n    on_failure: abort')).inventory().answer([]).answer('sim-host').rebooted('timeout');
    expect(run.step('down')).toMatchObject({ status: 'skipped', message: 'operator selected no VMs' });
    expect(run.state.outcome).toBe('step reboot failed: the host did not come back within 10m');
  });

  it('a dry run plays the whole plan without asking', () => {
    const run = new Run(PATCH, { dryRun: true }).inventory().power().rebooted();
    expect(run.state.answers.map((answer) => answer.by)).toEqual(['dry-run', 'dry-run']);
    run.inventory(run.state.vms).power();
    expect(run.state.phase).toBe('done');
  });
});

describe('notes', () => {
  const yaml = `${HEAD}steps:
  - { id: snap, title: Snapshot first, note: Take a storage snapshot before going on. }
  - { id: quiet, title: FYI, note: Nothing to do., pause: false }
  - { id: a, title: A, run: "true" }
`;

  it('a note is a gate in an interactive run: it waits for Enter, unless pause: false', () => {
    const run = new Run(yaml, { pauseNotes: true });
    expect(run.expectEffect('prompt').prompt).toMatchObject({ kind: 'continue' });
    run.answer(true);
    expect(run.step('quiet').status).toBe('done');
    expect(run.expectEffect('exec')).toBeTruthy();
  });

  it('--yes, dry runs and runs without a terminal go straight on', () => {
    for (const options of [{ pauseNotes: true, yes: true }, { pauseNotes: true, dryRun: true }, { pauseNotes: false }]) {
      expect(new Run(yaml, options).expectEffect('exec')).toBeTruthy();
    }
  });
});
