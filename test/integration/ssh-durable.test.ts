// An on: host command outlives the operator's SSH session: patchwalk gets SIGHUP mid-command, the
// command goes on over the run's connection, and resume reports its real exit code and output.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';
import { integrationRequired, sshdUnavailable, startSshd, type TestSshd } from '../helpers/sshd.js';
import { allFiles, onlyRun } from '../helpers/state.js';

const unavailable = sshdUnavailable();
if (unavailable && !integrationRequired()) console.warn(`skipping the durable on: host test: ${unavailable}`);

describe.skipIf(Boolean(unavailable) && !integrationRequired())('on: host commands that outlive the terminal', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    if (unavailable) throw new Error(`sshd integration required but unavailable: ${unavailable}`);
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('SIGHUP during a remote command: it finishes on the host, and resume has its exit code and every line', async () => {
    const dir = tempDir('patchwalk-remote-hup-');
    const stateDir = join(dir, 'state');
    const file = writeRunbook(
      dir,
      'remote.yaml',
      `runbook: 1
title: Remote upgrade
target: { name: remote-hup, ssh: "${sshd.destination}" }
steps:
  - id: upgrade
    title: Upgrade on the host
    run: "for i in $(seq 1 6); do echo line $i; sleep 1; done; echo done >&2; exit 3"
    on: host
    on_failure: abort
`,
    );
    const env = { NO_COLOR: '1', PATCHWALK_STATE_DIR: stateDir, PATCHWALK_SSH_OPTIONS: `-F ${sshd.configFile}` };
    const child = execa('node', [CLI, 'run', file, '--plain'], { cwd: ROOT, reject: false, input: '', env });
    const out = () => allFiles(join(stateDir, 'runs')).find((path) => path.endsWith('.out'));
    await waitFor(() => existsSync(join(stateDir, 'runs')) && Boolean(out()) && readFileSync(out()!, 'utf8').includes('line 2'), 20_000);
    child.kill('SIGHUP');
    const first = await child;
    expect(first.exitCode).toBe(130);
    expect(first.stderr).toContain('keeps running');
    // The command goes on without patchwalk, over ssh, and records its status.
    await waitFor(() => allFiles(join(stateDir, 'runs')).some((path) => path.endsWith('.status')), 20_000);
    const { id } = onlyRun(stateDir);
    const resumed = await execa('node', [CLI, 'resume', id, '--plain'], { cwd: ROOT, reject: false, input: '', env });
    expect(resumed.stdout).toContain('line 6');
    expect(resumed.stdout).toContain('! done');
    expect(resumed.stdout).toContain('exit code 3');
    expect(resumed.exitCode).toBe(1);
    expect(resumed.stdout).not.toMatch(/@pw[0-9a-f]+:/);
  }, 60_000);
});
