// A watcher who may only read: a second Unix user, created here, in the group of a shared state dir
// whose write bits the test has taken away from the group. They follow the run to its end, and
// nothing in the state dir is theirs afterwards.
import { execa, execaSync } from 'execa';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir, writeRunbook } from '../helpers/cli.js';

const root = process.getuid?.() === 0;
const tools = ['useradd', 'groupadd', 'runuser'].every((tool) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode === 0);
const canSwitch = root && tools;

const RUNBOOK = `runbook: 1
title: Watched by a reader
steps:
  - { id: hello, title: Say hello, run: "echo hello-from-driver" }
  - { id: ask, title: Ask to go on, confirm: "Go on with the last step?" }
  - { id: bye, title: Say bye, run: "echo bye-from-driver" }
`;

describe.skipIf(!canSwitch)('patchwalk watch by another user with read access only', () => {
  const name = `pww${process.pid % 100000}`;
  const group = `pwr${process.pid % 100000}`;
  let base = '';
  let state = '';
  let uid = -1;
  let otherCli = CLI;

  beforeAll(() => {
    execaSync('groupadd', [group]);
    execaSync('useradd', ['-M', '-N', '-g', group, '-s', '/bin/sh', name]);
    uid = Number(execaSync('id', ['-u', name]).stdout);
    base = tempDir('patchwalk-reader-');
    chmodSync(base, 0o755);
    state = join(base, 'shared');
    execaSync('install', ['-d', '-m', '2770', '-g', group, state]);
    // A checkout the test user cannot enter (CI under /root): a readable copy of the built CLI.
    const reaches = (cli: string) => execaSync('runuser', ['-u', name, '--', 'node', '-e', `require('fs').accessSync(${JSON.stringify(cli)})`], { reject: false });
    if (reaches(CLI).exitCode !== 0) {
      const copy = join(base, 'checkout');
      mkdirSync(copy, { mode: 0o755 });
      for (const part of ['dist', 'node_modules', 'package.json']) execaSync('cp', ['-a', join(ROOT, part), copy]);
      execaSync('chmod', ['-R', 'o+rX', copy]);
      otherCli = join(copy, 'dist/cli.js');
    }
  });

  afterAll(() => {
    execaSync('userdel', [name], { reject: false });
    execaSync('groupdel', [group], { reject: false });
  });

  it('follows a run driven by root to its end (exit 0) and writes nothing', async () => {
    const file = writeRunbook(base, 'reader.yaml', RUNBOOK);
    const driver = execa('node', [CLI, 'run', file, '--plain'], { cwd: ROOT, reject: false, stdin: 'pipe', env: { NO_COLOR: '1', PATCHWALK_STATE_DIR: state } });
    let driven = '';
    driver.stdout?.on('data', (chunk: Buffer) => (driven += chunk.toString()));
    for (let tries = 0; tries < 400 && !driven.includes('Go on with the last step?'); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(driven).toContain('Go on with the last step?');
    // Read access only: the group keeps r and x, loses w, everywhere.
    execaSync('chmod', ['-R', 'g-w', state]);

    const watcher = execa('runuser', ['-u', name, '--', 'env', `PATCHWALK_STATE_DIR=${state}`, 'NO_COLOR=1', 'node', otherCli, 'watch', '--plain'], { cwd: '/', reject: false, timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    driver.stdin?.write('y\n');
    const watched = await watcher;
    expect(watched.exitCode, String(watched.stderr)).toBe(0);
    expect(watched.stdout).toContain('hello-from-driver');
    expect(watched.stdout).toContain('waiting for root to answer: Go on with the last step?');
    expect(watched.stdout).toContain('bye-from-driver');
    expect((await driver).exitCode).toBe(0);
    // Nothing under the state dir belongs to the watcher.
    expect(execaSync('find', [state, '-uid', String(uid)]).stdout).toBe('');
  }, 60_000);
});
