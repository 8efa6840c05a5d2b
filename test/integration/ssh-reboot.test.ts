// The reboot step's reboot-and-wait against a real sshd: the "reboot" stops sshd, changes the
// boot-id file the boot_id command reads, and starts sshd again once the test has seen the host
// down. Each phase waits on the event before it, never on time, so a loaded machine cannot skip one.
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
    const seenDown = join(sshd.dir, 'seen-down');
    writeFileSync(bootFile, 'boot-1\n');
    const q = shellQuote;
    // Detached from the ssh session, like a real reboot: stop sshd, new boot id, and sshd back only
    // once patchwalk has reported the host down (bounded, so a failed test leaves no sshd waiting).
    const untilSeenDown = `i=0; while [ ! -e ${q(seenDown)} ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done`;
    const reboot =
      `setsid sh -c ${q(
        `kill $(cat ${q(sshd.pidFile)}); echo boot-2 > ${q(bootFile)}; ${untilSeenDown}; ${SSHD} -f ${q(sshd.serverConfig)}; touch ${q(ready)}`,
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
      // Far beyond what the phases need: the test waits on events, the deadline only ends a hang.
      waitMs: 90_000,
      command: { shell: reboot },
      bootId: { argv: ['cat', bootFile] },
      check: { argv: ['test', '-f', ready] },
      onProgress: (text) => {
        progress.push(text);
        if (/ is down,/.test(text)) writeFileSync(seenDown, '');
      },
    });
    expect(result, progress.join('\n')).toEqual({ outcome: 'back' });
    expect(progress[0]).toBe('0s: rebooting testhost (boot id boot-1)');
    expect(progress.some((line) => /^\d+s: testhost is down/.test(line))).toBe(true);
    expect(progress.some((line) => /^\d+s: testhost is back \(boot id boot-2\)/.test(line))).toBe(true);
    expect(progress.some((line) => /waiting for the test provider to answer \(provider still starting\)/.test(line))).toBe(true);
    expect(progress.at(-1)).toMatch(/^\d+s: the test provider on testhost answers again$/);
  }, 120_000);

  it('gives up at the timeout with a clear message when the host never goes down', async () => {
    const host = new SshHost(() => transport, { pollMs: 300 });
    const progress: string[] = [];
    const result = await host.reboot({
      host: 'testhost',
      // Long enough that a loaded machine still polls at least once before the deadline.
      waitMs: 8000,
      command: { shell: 'true' },
      bootId: { shell: 'echo same-boot' },
      onProgress: (text) => progress.push(text),
    });
    expect(result.outcome, progress.join('\n')).toBe('timeout');
    expect(result.message).toMatch(/^gave up after \d+s; last: still up with the same boot id$/);
    expect(progress.some((line) => /^\d+s: testhost has not gone down yet \(boot id unchanged\)$/.test(line))).toBe(true);
  }, 60_000);

  it('a reboot command that fails is an error that says so', async () => {
    const host = new SshHost(() => transport, { pollMs: 300 });
    const result = await host.reboot({ host: 'testhost', waitMs: 60_000, command: { shell: 'echo "Access denied" >&2; exit 1' }, onProgress: () => {} });
    expect(result).toEqual({ outcome: 'error', message: 'the reboot command failed on testhost: Access denied' });
  });
});
