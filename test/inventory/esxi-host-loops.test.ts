// Runs the ESXi host-side loops with sh over a fake vim-cmd: processes, so not in test:unit.
import { describe, expect, it } from 'vitest';
import { parseAutostart, parsePowerState, parseSummary, splitByVm, vimFault } from '../../src/inventory/esxi-parse.js';

describe('ESXi host-side loops', () => {
  it('run by sh, print each vmid’s own output after its marker, faults included', async () => {
    const { execa } = await import('execa');
    const { mkdtempSync, writeFileSync, chmodSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { DETAILS_SCRIPT, POWER_STATES_SCRIPT } = await import('../../src/inventory/esxi-parse.js');
    const bin = mkdtempSync(join(tmpdir(), 'patchwalk-vimcmd-'));
    const root = process.cwd();
    writeFileSync(
      join(bin, 'vim-cmd'),
      [
        '#!/bin/sh',
        'case "$1" in',
        `  hostsvc/autostartmanager/get_autostartseq) cat '${root}/test/fixtures/esxi/autostartseq.txt';;`,
        `  vmsvc/get.summary) [ "$2" = 99 ] && { cat '${root}/test/fixtures/esxi/power-getstate-not-found.txt'; exit 1; }; cat '${root}/test/fixtures/esxi/get-summary-3.txt';;`,
        `  vmsvc/power.getstate) [ "$2" = 4 ] && cat '${root}/test/fixtures/esxi/power-getstate-off.txt' || cat '${root}/test/fixtures/esxi/power-getstate-on.txt';;`,
        'esac',
      ].join('\n'),
    );
    chmodSync(join(bin, 'vim-cmd'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const details = splitByVm((await execa('sh', ['-c', DETAILS_SCRIPT, 'patchwalk', '3', '99'], { env, reject: false })).stdout);
    expect([...parseAutostart(details.head)]).toEqual(['1', '12']);
    expect(parseSummary(details.byVmid.get('3')!)).toEqual({ vcpus: 2, memoryMib: 4096, state: 'running' });
    expect(vimFault(details.byVmid.get('99')!)).toBe('NotFound: Unable to find a VM corresponding to "99"');
    const states = splitByVm((await execa('sh', ['-c', POWER_STATES_SCRIPT, 'patchwalk', '3', '4'], { env })).stdout);
    expect([parsePowerState(states.byVmid.get('3')!), parsePowerState(states.byVmid.get('4')!)]).toEqual(['running', 'shut-off']);
  });
});
