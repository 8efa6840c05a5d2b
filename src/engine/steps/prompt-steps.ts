// Steps that show something or ask something: note, vms, confirm, input, choice.
import type { StepOf } from '../../runbook/schema.js';
import { scopeFor } from '../context.js';
import { abortRun, actionDone, setPrompt } from '../engine.js';
import { ask } from '../prompts.js';
import { ignore, type StepHandler } from './handler.js';

function pauseToRead(d: Parameters<StepHandler['start']>[0], stepId: string, at: number): void {
  if (d.options.pauseToRead) ask(d, stepId, { kind: 'continue', question: 'Press Enter to continue' }, { purpose: 'step' }, at);
  else actionDone(d, 'done', undefined, at);
}

const continueAnswer: StepHandler['answer'] = (d, _step, _awaiting, _value, at) => actionDone(d, 'done', undefined, at);

export const note: StepHandler = {
  start: (d, step, at) => pauseToRead(d, step.id, at),
  resume: ignore,
  answer: continueAnswer,
};

export const vms: StepHandler = note;

export const confirm: StepHandler = {
  start(d, step, at, vm) {
    const spec = (step as StepOf<'confirm'>).confirm;
    const question = scopeFor(d, vm).text(typeof spec === 'string' ? spec : spec.prompt);
    ask(d, step.id, { kind: 'confirm', question, destructive: false }, { purpose: 'step' }, at);
  },
  resume: ignore,
  answer(d, step, _awaiting, value, at) {
    if (value === true) {
      actionDone(d, 'done', 'confirmed', at);
      return;
    }
    const spec = (step as StepOf<'confirm'>).confirm;
    const onNo = typeof spec === 'string' ? 'abort' : (spec.on_no ?? 'abort');
    if (onNo === 'skip') actionDone(d, 'skipped', 'operator answered no', at);
    else abortRun(d, `operator answered no at step ${step.id}`, at);
  },
};

export const input: StepHandler = {
  start(d, step, at, vm) {
    const spec = (step as StepOf<'input'>).input;
    if (spec.secret && !d.secretNames.includes(spec.var)) d.secretNames.push(spec.var);
    const scope = scopeFor(d, vm);
    const prompt = { kind: 'input' as const, question: scope.text(spec.prompt), default: spec.default, pattern: spec.pattern, secret: spec.secret };
    ask(d, step.id, prompt, { purpose: 'step' }, at);
  },
  resume: ignore,
  answer(d, step, awaiting, value, at, effect) {
    const spec = (step as StepOf<'input'>).input;
    const text = String(value);
    if (spec.pattern && !new RegExp(`^(?:${spec.pattern})$`).test(text)) {
      const shown = spec.secret ? 'that value' : `"${text}"`;
      setPrompt(d, step.id, { ...effect.prompt, error: `${shown} does not match ${spec.pattern}` } as typeof effect.prompt, awaiting);
      return;
    }
    d.vars[spec.var] = text;
    actionDone(d, 'done', undefined, at);
  },
};

export const choice: StepHandler = {
  start(d, step, at, vm) {
    const spec = (step as StepOf<'choice'>).choice;
    const options = spec.options.map((value) => ({ value, label: value }));
    ask(d, step.id, { kind: 'choice', question: scopeFor(d, vm).text(spec.prompt), options, default: spec.default }, { purpose: 'step' }, at);
  },
  resume: ignore,
  answer(d, step, awaiting, value, at, effect) {
    const spec = (step as StepOf<'choice'>).choice;
    const text = String(value);
    if (!spec.options.includes(text)) {
      setPrompt(d, step.id, effect.prompt, awaiting);
      return;
    }
    d.vars[spec.var] = text;
    actionDone(d, 'done', text, at);
  },
};
