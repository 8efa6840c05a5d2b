import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { isRunning, waitFor } from '../helpers/processes.js';
import { CLI, patchwalk, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';

const dir = tempDir('patchwalk-cli-');

describe('patchwalk run, line mode', () => {
  it('runs the demo unattended with --plain --yes in under a minute, at the simulated host real pace', async () => {
    const started = Date.now();
    const result = await patchwalk(['run', 'runbooks/demo.yaml', '--plain', '--yes'], { env: { PATCHWALK_SIM_SPEED: '1' }, timeout: 60_000 });
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const out = String(result.stdout);
    for (const expected of [
      '── [1/8] Read the release notes',
      'cache01  running   2     2 GiB   cache     shut down',
      '? cache01 did not shut down within 8s. What now? → force (answered by --yes)',
      '  │ Setting up qemu-utils ...',
      '  ! update-initramfs: Generating /boot/initrd.img-6.1.158-1-amd64',
      '? This reboots sim01. Type the host name to confirm → sim01 (answered by --yes)',
      '» start: cache01',
      'Run complete',
      'build01  shut-off  shut-off  ok',
    ]) {
      expect(out).toContain(expected);
    }
  }, 70_000);

  it('patchwalk demo completes on its own when there is no terminal to answer', async () => {
    const result = await patchwalk(['demo'], { timeout: 60_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('(no terminal on stdin: the demo answers its own prompts)');
  }, 70_000);

  it('exits 3 and names the prompt when stdin ends before an answer', async () => {
    const result = await patchwalk(['run', 'runbooks/demo.yaml', '--plain']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('input needed but none available: "Host to patch"');
  });

  it('reads one answer per line from stdin', async () => {
    const file = writeRunbook(dir, 'answers.yaml', `runbook: 1
title: Answers
params:
  ticket: { prompt: Change ticket, pattern: "CHG[0-9]+" }
steps:
  - { id: go, title: Go, confirm: "Patch now for {{ ticket }}?" }
  - { id: kernel, title: Kernel, choice: { prompt: Which kernel, var: kernel, options: [lts, edge] } }
  - { id: show, title: Show, run: [echo, "{{ ticket }} {{ kernel }}"] }
`);
    const result = await patchwalk(['run', file, '--plain'], { input: 'bad\nCHG7\ny\n2\n' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"bad" does not match CHG[0-9]+');
    expect(result.stdout).toContain('│ CHG7 edge');
  });

  it('a declined confirmation stops the run with exit 1', async () => {
    const file = writeRunbook(dir, 'decline.yaml', 'runbook: 1\ntitle: D\nsteps:\n  - { id: go, title: Go, confirm: Go? }\n');
    const result = await patchwalk(['run', file, '--plain'], { input: 'n\n' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Run stopped');
  });

  it('a failed step exits 1', async () => {
    const file = writeRunbook(dir, 'fail.yaml', 'runbook: 1\ntitle: F\nsteps:\n  - { id: up, title: Up, run: "exit 4", on_failure: abort }\n');
    const result = await patchwalk(['run', file, '--plain']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('✗ failed');
    expect(result.stdout).toContain('(exit 4): exit code 4');
  });

  it('--dry-run prints every command with its templates expanded and changes nothing', async () => {
    const target = join(dir, 'should-not-exist');
    const file = writeRunbook(dir, 'dry.yaml', `runbook: 1
title: Dry
params:
  path: { default: "${target}" }
steps:
  - { id: touch, title: Touch, run: "touch {{ path }}", capture: out }
  - { id: argv, title: Argv, run: [touch, "{{ path }}-{{ out }}"] }
  - { id: down, title: Down, shutdown: {} }
`);
    const result = await patchwalk(['run', file, '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`would run on this machine (${hostname()}): touch ${target}`);
    expect(result.stdout).toContain(`would run on this machine (${hostname()}): touch '${target}-<output of touch>'`);
    expect(result.stdout).toContain('» would shut down: web01, web02, db01, cache01, win-ad01');
    expect(existsSync(target)).toBe(false);
  });

  it('a hostile param value is only ever data', async () => {
    const pwned = join(dir, 'pwned');
    const file = writeRunbook(dir, 'inject.yaml', `runbook: 1
title: Inject
params:
  name: { default: x }
steps:
  - { id: s, title: String, run: "echo vm {{ name }}" }
  - { id: a, title: Argv, run: [echo, "{{ name }}"] }
`);
    const value = `x;$(touch ${pwned})`;
    const result = await patchwalk(['run', file, '--set', `name=${value}`]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`│ vm ${value}`);
    expect(result.stdout).toContain(`│ ${value}`);
    expect(existsSync(pwned)).toBe(false);
  });

  it('refuses an invalid runbook with every problem and exit 2, running nothing', async () => {
    const file = writeRunbook(dir, 'bad.yaml', 'runbook: 1\ntitle: B\nsteps:\n  - { id: a, title: A, run: "echo {{ hots }}", timeout: 5x }\n');
    const result = await patchwalk(['run', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${file}:4:35: steps.a.run: template variable "hots" is not defined`);
    expect(result.stderr).toContain(`${file}:4:57: steps.a.timeout: bad duration "5x"`);
    expect(result.stderr).not.toMatch(/\bat \w+ \(/);
  });

  it('usage errors exit 2 with a message', async () => {
    expect((await patchwalk(['run'])).stderr).toContain('run takes exactly one runbook file');
    const unknown = await patchwalk(['run', 'runbooks/demo.yaml', '--set', 'hots=x']);
    expect([unknown.exitCode, unknown.stderr]).toEqual([2, 'patchwalk: --set hots: runbooks/demo.yaml has no param "hots"; its params are host']);
    expect((await patchwalk(['frobnicate'])).exitCode).toBe(2);
    expect((await patchwalk(['run', 'missing.yaml'])).stderr).toContain('missing.yaml:1:1: cannot read runbook: no such file');
  });

  it('Ctrl-C ends the running command and its children, and exits 130', async () => {
    const pidFile = join(dir, 'sigint.pid');
    const file = writeRunbook(dir, 'long.yaml', `runbook: 1\ntitle: L\nsteps:\n  - { id: long, title: Long, run: "sleep 300 & echo $! > ${pidFile}; wait" }\n`);
    const child = execa('node', [CLI, 'run', file, '--plain'], { cwd: ROOT, reject: false, env: { NO_COLOR: '1', PATCHWALK_STATE_DIR: tempDir('patchwalk-state-') } });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toContain('interrupted: SIGINT received');
    expect(await waitFor(() => !isRunning(Number(readFileSync(pidFile, 'utf8'))))).toBe(true);
  });
});
