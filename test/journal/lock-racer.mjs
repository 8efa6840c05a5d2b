// One contender in the stale-lock race: waits at the barrier, then takes over every host's stale
// lock it can, and prints what it got. Run against the build, as patchwalk runs.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [root, hostsArg, barrier, name, dist] = process.argv.slice(2);
const { acquireLock } = await import(join(dist, 'journal', 'host-lock.js'));
const hosts = hostsArg.split(',');
const operator = { user: name, ssh_client: null, hostname: (await import('node:os')).hostname(), pid: process.pid };
writeFileSync(`${barrier}.ready-${name}`, '');
while (!existsSync(barrier)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
const results = await Promise.all(
  hosts.map((host) =>
    acquireLock(root, host, { run: `20260101-000000-${name}`, runbook: 'race.yaml', operator }, async () => true).then(
      (got) => [host, got.action],
      (error) => [host, `refused: ${error.message}`],
    ),
  ),
);
process.stdout.write(JSON.stringify(Object.fromEntries(results)));
