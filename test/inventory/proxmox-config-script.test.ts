// Runs the Proxmox config-read script with sh on qm.conf files: a process, so not in test:unit.
import { describe, expect, it } from 'vitest';
import { CONFIG_SCRIPT, parseConfigDump } from '../../src/inventory/proxmox-parse.js';

describe('Proxmox config read', () => {
  it('the script, run by sh on qm.conf files, prints each VM’s current settings and none of its snapshots’', async () => {
    const { execa } = await import('execa');
    const root = `${process.cwd()}/test/fixtures/proxmox/etc-pve`;
    const script = CONFIG_SCRIPT.replace('/etc/pve', root);
    const { stdout } = await execa('sh', ['-c', script, 'patchwalk', 'pve1']);
    expect(stdout).toBe(['@pw-conf 101', 'onboot: 1', 'startup: order=2,up=30', 'tags: prod;web', '@pw-conf 108', 'lock: backup', 'onboot: 1', 'tags: prod', '@pw-conf 9000', 'tags: template'].join('\n'));
    expect(parseConfigDump(stdout).get('101')).toEqual({ onboot: true, order: 2, tags: ['prod', 'web'] });
    const missing = await execa('sh', ['-c', script, 'patchwalk', 'pve9'], { reject: false });
    expect(missing.exitCode).not.toBe(0);
  });
});
