// The checkable form of `expect` and the canned `rehearse:` result: lint names what is wrong.
import { describe, expect, it } from 'vitest';
import { loadRunbookText } from '../../src/runbook/load.js';

const runbook = (step: string) => `runbook: 1
title: T
target: { ssh: root@kvm01 }
steps:
${step}`;

const messages = (text: string) => loadRunbookText('t.yaml', text).problems.map((problem) => `${problem.line}:${problem.col}: ${problem.field}: ${problem.message}`);

describe('expect and rehearse in a runbook', () => {
  it('takes free text, or { text, exit_code, output, vms }, and a canned result on run and wait steps', () => {
    const text = runbook(`  - id: kernel
    title: Kernel
    run: uname -r
    on: host
    expect: { text: A 6.1 kernel, exit_code: 0, output: "^6\\\\.1" }
    rehearse: { output: "6.1.158-1-amd64 {{ shown as written }}", exit_code: 0, takes: 2s }
  - id: lines
    title: Lines
    run: apt-get -y dist-upgrade
    rehearse: { output: [ "Setting up qemu ...", { stderr: "update-initramfs: ..." } ] }
  - id: up
    title: Up
    wait: { check: "systemctl is-active libvirtd" }
    rehearse: { exit_code: 3 }
    expect: { vms: { select: "tag:web", state: running } }
  - id: words
    title: Words
    note: Read it.
    expect: Every VM is back.
`);
    expect(messages(text)).toEqual([]);
  });

  it('names a bad output pattern, a bad exit code, a bad VM state, and rehearse: on a step that runs no command', () => {
    const problems = messages(
      runbook(`  - id: kernel
    title: Kernel
    run: uname -r
    expect: { output: "(?=6)", exit_code: 300 }
  - id: vms
    title: VMs
    vms: {}
    expect: { vms: { select: running, state: sleeping } }
  - id: stop
    title: Stop
    shutdown: { select: running }
    rehearse: { output: "ok" }
`),
    );
    expect(problems.some((problem) => problem.includes('steps.kernel.expect.output:') && problem.includes('lookahead'))).toBe(true);
    expect(problems.some((problem) => problem.includes('steps.kernel.expect.exit_code'))).toBe(true);
    expect(problems.some((problem) => problem.includes('steps.vms.expect.vms.state') && problem.includes('sleeping'))).toBe(true);
    expect(problems.some((problem) => problem.includes('steps.stop') && problem.includes('rehearse'))).toBe(true);
  });
});
