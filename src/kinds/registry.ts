// Every step kind, in the order the docs list them. This is the only list of kinds: the schema,
// lint, the engine, both renderers and the journal derive what they need from it.
import { z } from 'zod';
import { choice } from './choice.js';
import { confirm } from './confirm.js';
import { drain } from './drain.js';
import { input } from './input.js';
import type { StepKindDef } from './kind.js';
import { migrate } from './migrate.js';
import { note } from './note.js';
import { reboot } from './reboot.js';
import { returnKind } from './return.js';
import { revert } from './revert.js';
import { run } from './run.js';
import { shutdown } from './shutdown.js';
import { snapshot } from './snapshot.js';
import { start } from './start.js';
import { vms } from './vms.js';
import { wait } from './wait.js';

export const KINDS = [note, confirm, input, choice, run, wait, vms, snapshot, shutdown, start, migrate, drain, reboot, returnKind, revert] as const;

type Kinds = (typeof KINDS)[number];
export type StepKind = Kinds['key'];
/** A step of one kind, as the schema parses it. */
export type StepOf<K extends StepKind> = z.output<Extract<Kinds, { key: K }>['spec']['schema']>;

type SchemaTuple<T extends readonly { spec: { schema: z.ZodType } }[]> = { -readonly [I in keyof T]: T[I]['spec']['schema'] };
/** Any step: the union of every kind's schema. */
export const StepSchema = z.union(KINDS.map((kind) => kind.spec.schema) as unknown as SchemaTuple<typeof KINDS>);
/** Each kind's schema by its key, for checking a step once its kind is known. */
export const STEP_SCHEMAS: Readonly<Record<string, z.ZodType>> = Object.fromEntries(KINDS.map((kind) => [kind.key, kind.spec.schema]));

export const STEP_KINDS: readonly StepKind[] = KINDS.map((kind) => kind.key);

export type AnyKind = Kinds & StepKindDef<StepKind>;

const BY_KEY: ReadonlyMap<string, AnyKind> = new Map(KINDS.map((kind) => [kind.key, kind]));

export function kindNamed(key: string): AnyKind | undefined {
  return BY_KEY.get(key);
}

/** The kind of a step (parsed or raw): the one kind key it carries. */
export function kindOfStep(step: object): AnyKind | undefined {
  return KINDS.find((kind) => kind.key in step);
}

export const kindsWhere = (fact: keyof StepKindDef['facts']): StepKind[] => KINDS.filter((kind) => kind.facts[fact]).map((kind) => kind.key);

/** Kinds that `each_vm:` can repeat. */
export const PER_VM_KINDS = kindsWhere('perVm');
/** Kinds a two-person approval may gate: those that change the world, and commands. */
export const APPROVABLE_KINDS: StepKind[] = KINDS.filter((kind) => kind.facts.destructive || kind.facts.approvable).map((kind) => kind.key);
/** Kinds that act on VMs through `select:`. */
export const SELECTING_KINDS: StepKind[] = KINDS.filter((kind) => 'selector' in kind.spec && kind.spec.selector).map((kind) => kind.key);

/** Names of the variables a step sets whose values are secret. */
export function secretVariables(step: object): string[] {
  return (kindOfStep(step)?.variables(step) ?? []).filter((variable) => variable.secret).map((variable) => variable.name);
}

/** Kinds whose step shows its text in full and needs no "done" line after it (notes). */
export function showsTextInFull(key: string): boolean {
  return Boolean(kindNamed(key)?.spec.text);
}
