// Guided mode in the pure engine: a briefing and a wait before each step, the expect verdict after.
import { describe, expect, it } from 'vitest';
import { Run } from './harness.js';

const RUNBOOK = `runbook: 1
title: Guided
inventory: { provider: sim }
steps:
  - id: kernel
    title: Kernel
    run: uname -r
    expect: { exit_code: 0, output: "^6\\\\.1" }
  - id: stop
    title: Stop the web VMs
    shutdown: { select: "tag:web", timeout: 1m }
    expect: { vms: { select: "tag:web", state: shut-off } }
  - id: note
    title: Read
    note: Done.
`;

const texts = (run: Run) => run.state.notices.map((notice) => `${notice.level} ${notice.step ?? '-'}: ${notice.text}`);

describe('guided mode', () => {
  it('briefs each step and waits before it starts; its time starts on Enter', () => {
    const run = new Run(RUNBOOK, { guided: true }).inventory();
    const prompt = run.expectEffect('prompt');
    expect(prompt.prompt).toEqual({ kind: 'continue', question: 'Guided: Kernel. Press Enter to start this step' });
    expect(run.state.awaiting).toEqual({ purpose: 'guide' });
    expect(texts(run)).toEqual(['info kernel: guided: this step runs on this machine: uname -r']);
    run.tick(5000).answer(true);
    const exec = run.expectEffect('exec');
    // The output is needed to check expect.output: the command's stdout is captured.
    expect(exec.capture).toBe(true);
    expect(run.step('kernel').startedAt).toBe(5000);
  });

  it('compares the outcome with expect, and names what missed', () => {
    const run = new Run(RUNBOOK, { guided: true }).inventory().answer(true).exec(0, { stdout: '5.10.0-28-amd64\n' });
    expect(texts(run)).toContain('warn kernel: kernel: expect: not as expected: output does not match /^6\\.1/ (met: exit code 0)');
    // The next step's briefing names the VMs it will change.
    expect(texts(run)).toContain('info stop: guided: shut down: web01 (1 VM(s))');
    run.answer(true).answer(['web01']).power();
    expect(texts(run)).toContain('info stop: stop: expect: as expected (1 VM(s) shut-off)');
    // A note is its own briefing: one wait, no guided question.
    expect(run.expectEffect('prompt').prompt.kind).toBe('continue');
    expect(run.expectEffect('prompt').prompt.question).not.toContain('Guided:');
  });

  it('a VM table in training is its own briefing: one Enter at that screen, not two', () => {
    const table = `runbook: 1
title: Guided
inventory: { provider: sim }
steps:
  - { id: vms, title: The VMs, vms: {}, why: See every VM first. }
`;
    const training = new Run(table, { guided: true, pauseToRead: true }).inventory();
    expect(training.expectEffect('prompt').prompt).toEqual({ kind: 'continue', question: 'Press Enter to continue' });
    expect(texts(training)).toContain('info vms: guided: this step does: The VMs on this host and what this runbook will do to each.');
    expect(training.answer(true).state.phase).toBe('done');
    // Without training the table does not wait, so the guided question is the one pause.
    const guided = new Run(table, { guided: true }).inventory();
    expect(guided.expectEffect('prompt').prompt.question).toBe('Guided: The VMs. Press Enter to start this step');
    expect(guided.answer(true).state.phase).toBe('done');
  });

  it('without --guided a step starts at once and nothing is compared', () => {
    const run = new Run(RUNBOOK).inventory();
    expect(run.expectEffect('exec').capture).toBe(false);
    run.exec(0, { stdout: '5.10' });
    expect(texts(run)).toEqual([]);
  });
});
