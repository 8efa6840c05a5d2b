// A watcher who may only read: a second Unix user, created here, in the group of a shared state dir
// whose write bits the test has taken away from the group. They follow the run to its end, and
// nothing in the state dir is theirs afterwards.
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, writeRunbook } from '../helpers/cli.js';
import { canSwitchUser, makeOtherUser, type OtherUser } from '../helpers/other-user.js';

const RUNBOOK = `runbook: 1
title: Watched by a reader
steps:
  - { id: hello, title: Say hello, run: "echo hello-from-driver" }
  - { id: ask, title: Ask to go on, confirm: "Go on with the last step?" }
  - { id: bye, title: Say bye, run: "echo bye-from-driver" }
`;

describe.skipIf(!canSwitchUser)('patchwalk watch by another user with read access only', () => {
  let user: OtherUser;
  beforeAll(() => {
    user = makeOtherUser('w');
  });
  afterAll(() => user?.remove());

  it('follows a run driven by root to its end (exit 0) and writes nothing', async () => {
    const file = writeRunbook(user.base, 'reader.yaml', RUNBOOK);
    const driver = execa('node', [CLI, 'run', file, '--plain'], { cwd: ROOT, reject: false, stdin: 'pipe', env: { NO_COLOR: '1', PATCHWALK_STATE_DIR: user.state } });
    let driven = '';
    driver.stdout?.on('data', (chunk: Buffer) => (driven += chunk.toString()));
    for (let tries = 0; tries < 400 && !driven.includes('Go on with the last step?'); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(driven).toContain('Go on with the last step?');
    // Read access only: the group keeps r and x, loses w, everywhere.
    execaSync('chmod', ['-R', 'g-w', user.state]);

    const watcher = execa('runuser', ['-u', user.name, '--', 'env', `PATCHWALK_STATE_DIR=${user.state}`, 'NO_COLOR=1', 'node', user.cli, 'watch', '--plain'], { cwd: '/', reject: false, timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    driver.stdin?.write('y\n');
    const watched = await watcher;
    expect(watched.exitCode, String(watched.stderr)).toBe(0);
    expect(watched.stdout).toContain('hello-from-driver');
    expect(watched.stdout).toContain('waiting for root to answer: Go on with the last step?');
    expect(watched.stdout).toContain('bye-from-driver');
    expect((await driver).exitCode).toBe(0);
    // Nothing under the state dir belongs to the watcher.
    expect(execaSync('find', [user.state, '-uid', String(user.uid)]).stdout).toBe('');
  }, 60_000);
});
