// A second Unix user, made for a test and removed after it, in the group of a shared state dir set
// up as the README documents (group-owned, setgid, 2770). Needs root and useradd/groupadd/runuser.
import { execaSync } from 'execa';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, tempDir } from './cli.js';

export const isRoot = process.getuid?.() === 0;
const tools = ['useradd', 'groupadd', 'runuser'].every((tool) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode === 0);
export const canSwitchUser = isRoot && tools;

export interface OtherUser {
  name: string;
  group: string;
  uid: number;
  /** A folder everyone can enter, holding the shared state dir. */
  base: string;
  /** The shared state dir, 2770, owned by the user's group. */
  state: string;
  /** The built CLI as that user can reach it. */
  cli: string;
  remove(): void;
}

export function makeOtherUser(tag: string): OtherUser {
  const name = `pw${tag}${process.pid % 100000}`;
  const group = `pg${tag}${process.pid % 100000}`;
  execaSync('groupadd', [group]);
  execaSync('useradd', ['-M', '-N', '-g', group, '-s', '/bin/sh', name]);
  const uid = Number(execaSync('id', ['-u', name]).stdout);
  const base = tempDir(`patchwalk-${tag}-`);
  chmodSync(base, 0o755);
  const state = join(base, 'shared');
  execaSync('install', ['-d', '-m', '2770', '-g', group, state]);
  // CI may keep the checkout under /root, which the test user cannot enter: that user then runs a
  // copy of the built CLI from a folder it can read.
  const reaches = (cli: string) => execaSync('runuser', ['-u', name, '--', 'node', '-e', `require('fs').accessSync(${JSON.stringify(cli)})`], { reject: false });
  let cli = CLI;
  if (reaches(cli).exitCode !== 0) {
    const copy = join(base, 'checkout');
    mkdirSync(copy, { mode: 0o755 });
    for (const part of ['dist', 'node_modules', 'package.json']) execaSync('cp', ['-a', join(ROOT, part), copy]);
    execaSync('chmod', ['-R', 'o+rX', copy]);
    cli = join(copy, 'dist/cli.js');
  }
  const reach = reaches(cli);
  if (reach.exitCode !== 0) throw new Error(`the test user ${name} cannot read ${cli}: ${reach.stderr}`);
  return {
    name,
    group,
    uid,
    base,
    state,
    cli,
    remove() {
      execaSync('userdel', [name], { reject: false });
      execaSync('groupdel', [group], { reject: false });
    },
  };
}
