// Quitting through the driver: q or Ctrl-C asks the quit question, and every answer ends the way
// it says: leaving keeps the run resumable, restoring starts what the run stopped, ending ends.
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/engine/engine.js';
import type { Prompt, PromptAnswer, RunState } from '../../src/engine/types.js';
import { SimHost } from '../../src/inventory/sim-host.js';
import { QuitRequested, RunDriver, type Prompter } from '../../src/run/drive-run.js';
import { runbookFrom } from '../helpers/runbook.js';

const RUNBOOK = `runbook: 1
title: T
inventory:
  provider: sim
  vms:
    - { name: web01, state: running, shutdown_time: 10ms, boot_time: 10ms }
    - { name: db01, state: running, shutdown_time: 10ms, boot_time: 10ms }
steps:
  - { id: stop, title: Stop, shutdown: {} }
  - { id: check, title: Check, confirm: "Updates applied?" }
  - { id: restore, title: Restore, start: {} }
`;

/** Answers each question from a script; "QUIT" stands for q pressed at that prompt. */
class ScriptedPrompter implements Prompter {
  readonly asked: Prompt[] = [];
  constructor(private readonly script: (PromptAnswer | 'QUIT')[]) {}
  async ask(prompt: Prompt): Promise<PromptAnswer> {
    this.asked.push(prompt);
    const next = this.script.shift();
    if (next === undefined) throw new Error(`unexpected question: ${prompt.question}`);
    if (next === 'QUIT') throw new QuitRequested();
    return next;
  }
}

async function drive(script: (PromptAnswer | 'QUIT')[], text = RUNBOOK): Promise<{ end: RunState; driver: RunDriver; prompter: ScriptedPrompter; sim: SimHost }> {
  const runbook = runbookFrom(text);
  const sim = new SimHost({ vms: runbook.inventory?.vms, speed: 100 });
  const prompter = new ScriptedPrompter(script);
  const driver = new RunDriver(initialState(runbook, { yes: false, dryRun: false, pauseToRead: false, runId: 'r', operator: 'op' }), {
    provider: sim,
    host: sim,
    prompter,
    exec: async () => ({ exitCode: 0, timedOut: false, aborted: false, stdout: '', durationMs: 0 }),
    observer: {},
  });
  const end = await driver.run();
  return { end, driver, prompter, sim };
}

describe('the quit question', () => {
  it('q at a prompt asks it, naming the VMs this run has off; Enter (leave) keeps the run unfinished and resumable', async () => {
    const { end, driver, prompter } = await drive([['web01', 'db01'], 'QUIT', 'leave']);
    expect(prompter.asked[2]?.question).toBe('web01, db01 are off because of this run. Quit?');
    expect(driver.left).toBe(true);
    expect(end.phase).toBe('steps');
    expect(end.effect?.type).toBe('prompt');
  });

  it('restore starts exactly the VMs this run stopped, then ends', async () => {
    const { end, sim } = await drive([['web01'], 'QUIT', 'restore']);
    expect(end.phase).toBe('aborted');
    expect(end.outcome).toContain('started 1 VM(s) this run had stopped');
    expect((await sim.list()).map((vm) => [vm.name, vm.state])).toEqual([
      ['web01', 'running'],
      ['db01', 'running'],
    ]);
  });

  it('end stops the run as a decision and leaves the VMs as they are', async () => {
    const { end, sim } = await drive([['web01'], 'QUIT', 'end']);
    expect([end.phase, end.interrupted]).toEqual(['aborted', false]);
    expect((await sim.list()).find((vm) => vm.name === 'web01')?.state).toBe('shut-off');
  });

  it('back returns to the same question', async () => {
    const { end, prompter } = await drive([['web01'], 'QUIT', 'back', true]);
    expect(prompter.asked.map((prompt) => prompt.kind)).toEqual(['select-vms', 'confirm', 'choice', 'confirm']);
    expect(end.phase).toBe('done');
  });

  it('q again at the quit question means leave', async () => {
    const { driver } = await drive([['web01'], 'QUIT', 'QUIT']);
    expect(driver.left).toBe(true);
  });

  it('q or Ctrl-C again while the quit question is open (the console asks the driver) means leave too', async () => {
    const runbook = runbookFrom(RUNBOOK);
    const sim = new SimHost({ vms: runbook.inventory?.vms, speed: 100 });
    let driver: RunDriver | undefined;
    const asked: string[] = [];
    // A prompter like the console's: it waits for keys, and a quit request aborts it.
    const prompter: Prompter = {
      ask: (prompt, { signal }) => {
        asked.push(prompt.question);
        if (prompt.kind === 'select-vms') return Promise.resolve(['web01']);
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('interrupted')), { once: true });
          setTimeout(() => driver?.requestQuit(), 5);
        });
      },
    };
    driver = new RunDriver(initialState(runbook, { yes: false, dryRun: false, pauseToRead: false, runId: 'r', operator: 'op' }), {
      provider: sim,
      host: sim,
      prompter,
      exec: async () => ({ exitCode: 0, timedOut: false, aborted: false, stdout: '', durationMs: 0 }),
      observer: {},
    });
    await driver.run();
    expect(asked.at(-1)).toMatch(/Quit\?$/);
    expect(driver.left).toBe(true);
  });
});

describe('no at a question that ends the run, with VMs off', () => {
  it('asks the quit question first, saying why; Enter (leave) keeps the run resumable at that question', async () => {
    const { end, driver, prompter } = await drive([['web01'], false, 'leave']);
    expect(prompter.asked[2]?.question).toBe('No at step check ends the run. web01 is off because of this run. Quit?');
    expect(driver.left).toBe(true);
    expect(end.phase).toBe('steps');
    expect(end.effect?.type === 'prompt' && end.effect.prompt.question).toBe('Updates applied?');
  });

  it('restore starts the VMs this run stopped, and the run ends for the no', async () => {
    const { end, sim } = await drive([['web01', 'db01'], false, 'restore']);
    expect(end.phase).toBe('aborted');
    expect(end.outcome).toBe('operator answered no at step check; started 2 VM(s) this run had stopped');
    expect((await sim.list()).every((vm) => vm.state === 'running')).toBe(true);
  });

  it('end ends the run for the no and leaves the VMs off, as a decision', async () => {
    const { end, sim } = await drive([['web01'], false, 'end']);
    expect([end.phase, end.interrupted, end.outcome]).toEqual(['aborted', false, 'operator answered no at step check']);
    expect((await sim.list()).find((vm) => vm.name === 'web01')?.state).toBe('shut-off');
  });

  it('back asks the question again, and yes goes on', async () => {
    const { end, prompter } = await drive([['web01'], false, 'back', true]);
    expect(prompter.asked.map((prompt) => prompt.kind)).toEqual(['select-vms', 'confirm', 'choice', 'confirm']);
    expect(end.phase).toBe('done');
  });

  it('with no VM off, no ends the run at once, as the runbook says', async () => {
    const { end, prompter } = await drive([false], RUNBOOK.replace('  - { id: stop, title: Stop, shutdown: {} }\n', ''));
    expect(prompter.asked.map((prompt) => prompt.kind)).toEqual(['confirm']);
    expect([end.phase, end.outcome]).toEqual(['aborted', 'operator answered no at step check']);
  });
});
