import type { Step } from '../../runbook/schema.js';
import type { Awaiting, Effect, EngineEvent, PromptAnswer, RunState, Vm } from '../types.js';

/** One step kind's part of the engine: how it starts, and what it does with results and answers. */
export interface StepHandler {
  start(d: RunState, step: Step, at: number, vm: Vm | undefined): void;
  resume(d: RunState, step: Step, event: EngineEvent & { at: number }, effect: Effect): void;
  answer(d: RunState, step: Step, awaiting: Awaiting, value: PromptAnswer, at: number, effect: Effect & { type: 'prompt' }): void;
}

export const ignore = (): void => {};
