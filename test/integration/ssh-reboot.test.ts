// The reboot step's reboot-and-wait against a real sshd: the "reboot" stops sshd, changes the
// boot-id file the boot_id command reads, and starts sshd again a couple of seconds later.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshTransport } from '../../src/exec/ssh-transport.js';
import type { InventoryProvider } from '../../src/inventory/provider.js';
import { SshHost } from '../../src/inventory/ssh-host.js';
import { shellQuote } from '../../src/runbook/template.js';
import { integrationRequired, SSHD, sshdUnavailable, startSshd, type TestSshd } from '../helpers/sshd.js';

const unavailable = sshdUnavailable();
if (unavailable && !integrationRequired()) console.warn(`ssh reboot tests skipped: ${unavailable}`);

describe.skipIf(Boolean(unavailable) && !integrationRequired())('reboot and wait over a real sshd', () => {
  let sshd: TestSshd;
  let transport: SshTransport;

  beforeAll(async () => {
    if (unavailable) throw new Error(`sshd integration required but unavailable: ${unavailable}`);
    sshd = await startSshd();
    transport = new SshTransport(sshd.destination, { extraArgs: ['-F', sshd.configFile] });
  });
  afterAll(async () => {
    await transport?.close();
    sshd?.stop();
  });

  it('sees the host go down, waits for ssh and the check, then for the VM provider to answer', async () => {
    const bootFile = join(sshd.dir, 'boot_id');
    const ready = join(sshd.dir, 'ready');
    writeFileSync(bootFile, 'boot-1\n');
    const q = shellQuote;
    // Detached from the ssh session, like a real reboot: stop sshd, new boot id, sshd back later.
    const reboot =
      `setsid sh -c ${q(
        `kill $(cat ${q(sshd.pidFile)}); echo boot-2 > ${q(bootFile)}; sleep 2; ${SSHD} -f ${q(sshd.serverConfig)}; sleep 1; touch ${q(ready)}`,
      )} </dev/null >/dev/null 2>&1 &`;
    let listings = 0;
    const provider: InventoryProvider = {
      kind: 'test',
      list: async () => {
        listings++;
        if (listings < 2) throw new Error('provider still starting');
        return [];
      },
      power: async () => [],
    };
    const host = new SshHost(() => transport, { provider, pollMs: 300 });
    const progress: string[] = [];
    const result = await host.reboot({
      host: 'testhost',
      waitMs: 20_000,
      command: { shell: reboot },
      bootId: { argv: ['cat', bootFile] },
      check: { argv: ['test', '-f', ready] },
      onProgress: (text) => progress.push(text),
    });
    expect(result, progress.join('\n')).toEqual({ outcome: 'back' });
    expect(progress[0]).toBe('0s: rebooting testhost (boot id boot-1)');
    expect(progress.some((line) => /^\d+s: testhost is down/.test(line))).toBe(true);
    expect(progress.some((line) => /^\d+s: testhost is back \(boot id boot-2\)/.test(line))).toBe(true);
    expect(progress.some((line) => /waiting for the test provider to answer \(provider still starting\)/.test(line))).toBe(true);
    expect(progress.at(-1)).toMatch(/^\d+s: the test provider on testhost answers again$/);
  }, 30_000);

  it('gives up at the timeout with a clear message when the host never goes down', async () => {
    const host = new SshHost(() => transport, { pollMs: 300 });
    const progress: string[] = [];
    const result = await host.reboot({
      host: 'testhost',
      waitMs: 2000,
      command: { shell: 'true' },
      bootId: { shell: 'echo same-boot' },
      onProgress: (text) => progress.push(text),
    });
    expect(result.outcome).toBe('timeout');
    expect(result.message).toMatch(/^gave up after \ds; last: still up with the same boot id$/);
    expect(progress.some((line) => /^\ds: testhost has not gone down yet \(boot id unchanged\)$/.test(line))).toBe(true);
  });

  it('a reboot command that fails is an error that says so', async () => {
    const host = new SshHost(() => transport, { pollMs: 300 });
    const result = await host.reboot({ host: 'testhost', waitMs: 5000, command: { shell: 'echo "Access denied" >&2; exit 1' }, onProgress: () => {} });
    expect(result).toEqual({ outcome: 'error', message: 'the reboot command failed on testhost: Access denied' });
  });
});
