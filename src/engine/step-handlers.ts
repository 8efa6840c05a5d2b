import type { StepKind } from '../runbook/schema.js';
import { run, wait } from './steps/command-steps.js';
import type { StepHandler } from './steps/handler.js';
import { choice, confirm, input, note, vms } from './steps/prompt-steps.js';
import { reboot } from './steps/reboot-step.js';
import { migrate, shutdown, start } from './steps/vm-steps.js';

export const STEP_HANDLERS: Record<StepKind, StepHandler> = { note, confirm, input, choice, run, wait, vms, shutdown, start, migrate, reboot };
