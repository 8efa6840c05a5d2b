// Every effect type, described once: whether it changes the world, how the journal records it
// before it starts, what it is called when its outcome is lost, whether repeating it is safe, and
// the event it would have sent had it succeeded. A new effect type does not compile until it is
// described here, so none can be left unjournaled by omission.
import type { Effect, EngineEvent } from './types.js';

export interface EffectFacts {
  /** Changes a VM or the host: journaled as effect-start before it runs (not in a dry run). */
  changesWorld: boolean;
  /** The effect-start record's action and detail, for a world-changing effect. */
  journal?: { action: string; detail: string };
  /** What it is called when its outcome is lost: "the reboot of kvm01". */
  what: string;
  /** The label of the choice that performs it again. */
  again: string;
  /** --yes may repeat it after its outcome was lost (a command may not be idempotent). */
  safeToRepeat: boolean;
  /** Repeating it needs the runbook's consent to unattended runs. */
  destructive: boolean;
  /** The event it would have sent had it succeeded, for "mark it done". */
  success(at: number): EngineEvent & { at: number };
}

const SNAPSHOT_VERBS = { create: 'snapshot', revert: 'revert', delete: 'delete snapshot' } as const;

type Describers = { [T in Effect['type']]: (effect: Extract<Effect, { type: T }>) => EffectFacts };

const plain = (what: string, success: EffectFacts['success']): EffectFacts => ({
  changesWorld: false,
  what,
  again: 'Do it again',
  safeToRepeat: true,
  destructive: false,
  success,
});

const DESCRIBERS: Describers = {
  prompt: (effect) => plain(`the question "${effect.prompt.question}"`, (at) => ({ type: 'answer', effectId: effect.id, value: true, at })),
  sleep: (effect) => plain('the pause', (at) => ({ type: 'slept', effectId: effect.id, at })),
  // Never "marked done" for the operator: only a second operator's decision file grants it.
  approval: (effect) => ({
    ...plain(`the wait for approval of step ${effect.stepId}`, (at) => ({ type: 'slept', effectId: effect.id, at })),
    again: 'Ask for approval again',
  }),
  inventory: (effect) => plain('the VM list', (at) => ({ type: 'inventory-loaded', effectId: effect.id, vms: [], at })),
  capacity: (effect) => plain("the cluster members' free capacity", (at) => ({ type: 'capacity-loaded', effectId: effect.id, members: [], at })),
  exec: (effect) => ({
    changesWorld: false,
    what: `the command (${effect.display.split('\n')[0] ?? ''})`,
    again: 'Run the command again',
    safeToRepeat: false,
    destructive: false,
    success: (at) => ({ type: 'exec-done', effectId: effect.id, exitCode: 0, timedOut: false, stdout: '', at }),
  }),
  'vm-power': (effect) => ({
    changesWorld: true,
    journal: { action: effect.action, detail: `${effect.vms.join(', ')}${effect.to ? ` to ${effect.to}` : ''}` },
    what: `the VM power change (${effect.action}: ${effect.vms.join(', ')})`,
    again: 'Repeat the VM power change',
    safeToRepeat: true,
    destructive: effect.action === 'poweroff',
    success: (at) => ({ type: 'vm-power-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' })), at }),
  }),
  'vm-snapshot': (effect) => ({
    changesWorld: true,
    journal: { action: `snapshot-${effect.action}`, detail: `${effect.name}: ${effect.vms.join(', ')}` },
    what: `the ${SNAPSHOT_VERBS[effect.action]} ${effect.name} (${effect.vms.join(', ')})`,
    again: `Repeat the ${SNAPSHOT_VERBS[effect.action]}`,
    // A second snapshot of the same name fails rather than harms; a second revert discards again.
    safeToRepeat: effect.action !== 'revert',
    destructive: effect.action === 'revert',
    success: (at) => ({ type: 'vm-snapshot-done', effectId: effect.id, results: effect.vms.map((name) => ({ name, outcome: 'ok' })), at }),
  }),
  reboot: (effect) => ({
    changesWorld: true,
    journal: { action: 'reboot', detail: effect.host },
    what: `the reboot of ${effect.host}`,
    again: 'Reboot the host again',
    safeToRepeat: true,
    destructive: true,
    success: (at) => ({ type: 'reboot-done', effectId: effect.id, outcome: 'back', at }),
  }),
};

export function describeEffect(effect: Effect): EffectFacts {
  const describe = DESCRIBERS[effect.type] as (effect: Effect) => EffectFacts;
  return describe(effect);
}
