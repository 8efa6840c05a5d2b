// Drives the pure engine by hand: each helper answers the effect the engine is waiting on.
import { expect } from 'vitest';
import { initialState, reduce } from '../../src/engine/engine.js';
import type { Effect, PromptAnswer, RunOptions, RunState, Vm, VmResult } from '../../src/engine/types.js';
import { runbookFrom } from '../helpers/runbook.js';

export const VMS: Vm[] = [
  { name: 'web01', id: '1', state: 'running', vcpus: 2, memory_mib: 4096, tags: ['web'], autostart: true },
  { name: 'db01', id: '2', state: 'running', vcpus: 4, memory_mib: 8192, tags: ['db'], autostart: false },
  { name: 'cache01', id: '3', state: 'running', vcpus: 1, memory_mib: 1024, tags: ['cache'], autostart: true },
  { name: 'build01', id: '4', state: 'shut-off', vcpus: 8, memory_mib: 16384, tags: ['ci'], autostart: false },
];

export class Run {
  state: RunState;
  at = 0;

  constructor(yaml: string, options: Partial<RunOptions> = {}, given: Record<string, string> = {}) {
    const runbook = runbookFrom(yaml);
    this.state = initialState(runbook, { yes: false, dryRun: false, pauseToRead: false, runId: 'r1', operator: 'op', ...options }, given);
    this.state = reduce(this.state, { type: 'start', at: this.at });
  }

  get effect(): Effect {
    expect(this.state.effect, `expected an effect, run is ${this.state.phase}: ${this.state.outcome ?? ''}`).not.toBeNull();
    return this.state.effect as Effect;
  }

  expectEffect<T extends Effect['type']>(type: T): Extract<Effect, { type: T }> {
    expect(this.effect.type).toBe(type);
    return this.effect as Extract<Effect, { type: T }>;
  }

  tick(ms: number): this {
    this.at += ms;
    return this;
  }

  step(id: string) {
    const step = this.state.steps.find((candidate) => candidate.id === id);
    if (!step) throw new Error(`no step ${id}`);
    return step;
  }

  vm(name: string): Vm {
    const vm = this.state.vms?.find((candidate) => candidate.name === name);
    if (!vm) throw new Error(`no VM ${name}`);
    return vm;
  }

  inventory(vms: Vm[] = VMS): this {
    const effect = this.expectEffect('inventory');
    this.state = reduce(this.state, { type: 'inventory-loaded', effectId: effect.id, vms: structuredClone(vms), at: this.at });
    return this;
  }

  answer(value: PromptAnswer): this {
    const effect = this.expectEffect('prompt');
    this.state = reduce(this.state, { type: 'answer', effectId: effect.id, value, at: this.at });
    return this;
  }

  exec(exitCode: number | null, extra: { timedOut?: boolean; stdout?: string; error?: string } = {}): this {
    const effect = this.expectEffect('exec');
    this.state = reduce(this.state, { type: 'exec-done', effectId: effect.id, exitCode, timedOut: extra.timedOut ?? false, stdout: extra.stdout, error: extra.error, at: this.at });
    return this;
  }

  slept(): this {
    const effect = this.expectEffect('sleep');
    this.at += effect.ms;
    this.state = reduce(this.state, { type: 'slept', effectId: effect.id, at: this.at });
    return this;
  }

  power(outcomes: Record<string, VmResult['outcome']> = {}): this {
    const effect = this.expectEffect('vm-power');
    const results = effect.vms.map((name) => ({ name, outcome: outcomes[name] ?? 'ok' }));
    this.state = reduce(this.state, { type: 'vm-power-done', effectId: effect.id, results, at: this.at });
    return this;
  }

  snapshots(outcomes: Record<string, VmResult['outcome']> = {}): this {
    const effect = this.expectEffect('vm-snapshot');
    const results = effect.vms.map((name) => ({ name, outcome: outcomes[name] ?? 'ok' }));
    this.state = reduce(this.state, { type: 'vm-snapshot-done', effectId: effect.id, results, at: this.at });
    return this;
  }

  rebooted(outcome: 'back' | 'timeout' | 'error' = 'back'): this {
    const effect = this.expectEffect('reboot');
    this.state = reduce(this.state, { type: 'reboot-done', effectId: effect.id, outcome, at: this.at });
    return this;
  }
}
