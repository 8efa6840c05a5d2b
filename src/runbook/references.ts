// Cross-field checks: step ids, template variables, `when` expressions, patterns. They read the raw
// data, so they still report on a runbook whose structure is partly wrong.
import type { StepStatus, Vm } from '../engine/types.js';
import { namesSomething } from '../engine/run-vms.js';
import { selectVms } from '../engine/select.js';
import { DEFAULT_SIM_VMS } from '../inventory/sim-host.js';
import type { SelectorSpec } from './schema-parts.js';
import { ExpressionError, expressionPaths, parseExpression, type Expr } from './expression.js';
import { didYouMean } from './problem.js';
import { matchesWhole, patternProblem } from './safe-regex.js';
import { revert } from '../kinds/revert.js';
import { approvalFindings } from '../approval/approval-lint.js';
import { kindOfStep, PER_VM_KINDS, SELECTING_KINDS, type StepKind } from '../kinds/registry.js';
import type { Finding } from './structure.js';
import { templateRefs } from './template.js';
import { CLUSTER_PHASES } from '../cluster/cluster-schema.js';
import { clusterReferenceFindings, hostNameProblem, HOST_WITHOUT_SSH_IN_CLUSTER, memberSshFindings } from '../cluster/cluster-lint.js';
import type { PathSegment } from './yaml-source.js';

type Raw = Record<string, unknown>;

export interface ScalarFinding extends Finding {
  /** Character offset inside the scalar at `path`, when the problem is inside it. */
  offset?: number;
}

/** Lint and run refuse it; only a rehearsal, which executes no command, may let it pass. */
export const HOST_WITHOUT_SSH =
  'on: host runs the command over ssh at target.ssh, and this runbook has none: add target: { ssh: "root@{{ host }}" }, or remove on: host to run it on this machine';

export const VM_FIELDS = ['name', 'id', 'state', 'vcpus', 'memory_mib', 'tags', 'autostart'];
/** What the engine can answer for steps.<id>.<field> (src/engine/context.ts); output is not kept. */
export const STEP_FIELDS = ['status', 'exit_code', 'duration_ms'];
/** Every value steps.<id>.status can have; keyed by the engine's type so the two cannot drift apart. */
const STATUS_WORDS: Record<StepStatus, true> = { pending: true, running: true, done: true, failed: true, skipped: true };
export const STEP_STATUSES = Object.keys(STATUS_WORDS);
export const RUN_FIELDS = ['id', 'dry_run', 'operator', 'training'];
export const TARGET_FIELDS = ['name', 'ssh'];
export const PATCH_FIELDS = ['host_reboot', 'vm_shutdown', 'guest_components'];
const BUILTIN_ROOTS: Record<string, string[]> = {
  run: RUN_FIELDS,
  target: TARGET_FIELDS,
  patch: PATCH_FIELDS,
};

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stepList(data: Raw): Raw[] {
  return Array.isArray(data.steps) ? data.steps.map((step) => (isRecord(step) ? step : {})) : [];
}

function kindOf(step: Raw): StepKind | undefined {
  return kindOfStep(step)?.key;
}

/** Variables a step defines for the steps after it (read off a step that may be malformed). */
function definedVars(step: Raw): string[] {
  try {
    return (kindOfStep(step)?.variables(step) ?? []).map((variable) => variable.name).filter((name) => typeof name === 'string');
  } catch {
    return [];
  }
}

/** Every string under a value, with its path, for template scanning. */
function strings(value: unknown, path: PathSegment[]): { text: string; path: PathSegment[] }[] {
  if (typeof value === 'string') return [{ text: value, path }];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, [...path, index]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => strings(item, [...path, key]));
  return [];
}

interface Scope {
  params: string[];
  /** A cluster runbook: `host` names the member, and only per_host steps have one. */
  cluster?: boolean;
  perHost?: boolean;
  vars: Map<string, number>;
  stepIds: string[];
  stepIndex: number;
  perVm: boolean;
  /** Top-level fields (title, target…), read before any step runs. */
  topLevel?: boolean;
}

function checkName(name: string[], scope: Scope, what: string): string | undefined {
  const [root, field, ...rest] = name;
  // Template and expression parsers only hand over names with at least one part.
  if (root === undefined) return `${what} is empty: expected a name`;
  if (root === 'vm') {
    if (!scope.perVm) return `${what} "${name.join('.')}" is only defined inside a per-VM step (each_vm)`;
    if (field === undefined || rest.length > 0 || !VM_FIELDS.includes(field)) {
      return `${what} "${name.join('.')}": a VM has ${VM_FIELDS.join(', ')}${field ? didYouMean(field, VM_FIELDS) : ''}`;
    }
    return undefined;
  }
  if (root === 'host' && scope.cluster) return hostNameProblem(name, scope.perHost === true, what);
  if (root === 'steps') {
    if (field === undefined) return `${what} "steps" needs a step id, such as steps.pending.status`;
    const index = scope.stepIds.indexOf(field);
    if (index < 0) return `${what} "${name.join('.')}" refers to step "${field}", which does not exist${didYouMean(field, scope.stepIds)}`;
    const attribute = rest[0];
    if (attribute === undefined || rest.length > 1 || !STEP_FIELDS.includes(attribute)) {
      const hint = ['output', 'stdout'].includes(attribute ?? '') && rest.length === 1
        ? ' (to use what a command printed, give it capture: NAME and write {{ NAME }})'
        : attribute ? didYouMean(attribute, STEP_FIELDS) : '';
      return `${what} "${name.join('.')}": a step has ${STEP_FIELDS.join(', ')}${hint}`;
    }
    // Read before that step has run, it is always "pending" (or "running", for the step itself).
    if (index === scope.stepIndex && !scope.topLevel) return `${what} "${name.join('.')}" reads this step itself, which has not finished yet`;
    if (index >= scope.stepIndex) return `${what} "${name.join('.')}" reads step "${field}", which does not run until later`;
    return undefined;
  }
  const fields = Object.hasOwn(BUILTIN_ROOTS, root) ? BUILTIN_ROOTS[root] : undefined;
  if (fields !== undefined) {
    if (field === undefined || rest.length > 0 || !fields.includes(field)) {
      return `${what} "${name.join('.')}": ${root} has ${fields.join(', ')}${field ? didYouMean(field, fields) : ''}`;
    }
    return undefined;
  }
  if (name.length > 1 && (scope.params.includes(root) || scope.vars.has(root))) {
    return `${what} "${name.join('.')}": "${root}" is a plain value and has no fields`;
  }
  if (scope.params.includes(root)) return undefined;
  const definedAt = scope.vars.get(root);
  if (definedAt !== undefined) {
    if (definedAt >= scope.stepIndex) {
      return `${what} "${root}" is set by step "${scope.stepIds[definedAt]}", which does not run until later`;
    }
    return undefined;
  }
  // vm, steps, run… only make sense with a field, so they are only offered for a dotted name.
  const roots = name.length > 1 ? ['vm', 'steps', ...(scope.cluster ? ['host'] : []), ...Object.keys(BUILTIN_ROOTS)] : [];
  const known = [...scope.params, ...scope.vars.keys(), ...roots];
  return `${what} "${name.join('.')}" is not defined${didYouMean(root, known)}: define it under params, or capture it in an earlier step`;
}

function templateFindings(value: unknown, path: PathSegment[], scope: Scope): ScalarFinding[] {
  const findings: ScalarFinding[] = [];
  for (const { text, path: at } of strings(value, path)) {
    for (const ref of templateRefs(text)) {
      if (ref.path.length === 0) {
        findings.push({ path: at, offset: ref.offset, message: `bad template "{{${ref.raw}}}": expected a name such as {{ host }} or {{ vm.name }}` });
        continue;
      }
      const problem = checkName(ref.path, scope, 'template variable');
      if (problem) findings.push({ path: at, offset: ref.offset, message: problem });
    }
    const open = text.split('{{').length - 1;
    const close = text.split('}}').length - 1;
    if (open !== close) findings.push({ path: at, message: 'unbalanced template braces: write {{ name }}' });
  }
  return findings;
}

function whenFindings(step: Raw, path: PathSegment[], scope: Scope): ScalarFinding[] {
  if (typeof step.when !== 'string') return [];
  const at = [...path, 'when'];
  try {
    const expr = parseExpression(step.when);
    const names = expressionPaths(expr).flatMap(({ path: name, offset }) => {
      const problem = checkName(name, scope, 'when');
      return problem ? [{ path: at, offset, message: problem }] : [];
    });
    return names.length > 0 ? names : statusFindings(expr, at);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return [{ path: at, offset: error.offset, message: `when does not parse: ${error.message}` }];
  }
}

/** `steps.x.status == "ok"` is never true: the engine's words are done, failed, skipped… */
function statusFindings(expr: Expr, at: PathSegment[]): ScalarFinding[] {
  switch (expr.type) {
    case 'not':
      return statusFindings(expr.operand, at);
    case 'logical':
      return [...statusFindings(expr.left, at), ...statusFindings(expr.right, at)];
    case 'compare': {
      const [status, other] = isStatus(expr.left) ? [expr.left, expr.right] : [expr.right, expr.left];
      if (!isStatus(status) || status.type !== 'path' || !['==', '!=', 'in'].includes(expr.op)) return [];
      const words = other.type === 'literal' ? [other.value] : other.type === 'list' ? other.items.map((item) => (item.type === 'literal' ? item.value : undefined)) : [];
      return words
        .filter((word): word is string => typeof word === 'string' && !STEP_STATUSES.includes(word))
        .map((word) => ({
          path: at,
          offset: status.offset,
          message: `when compares "${status.path.join('.')}" with "${word}", which a status never is${didYouMean(word, STEP_STATUSES)}: a step status is ${STEP_STATUSES.join(', ')}`,
        }));
    }
    default:
      return [];
  }
}

function isStatus(expr: Expr): boolean {
  return expr.type === 'path' && expr.path.length === 3 && expr.path[0] === 'steps' && expr.path[2] === 'status';
}

function patternFinding(pattern: unknown, path: PathSegment[]): ScalarFinding[] {
  if (typeof pattern !== 'string') return [];
  const problem = patternProblem(pattern);
  return problem ? [{ path, message: problem }] : [];
}

/** A pattern that cannot be used has its own finding; the default is not blamed for it too. */
function matchesPattern(value: string, pattern: string): boolean {
  return patternProblem(pattern) !== undefined || matchesWhole(pattern, value);
}

function paramFindings(data: Raw): ScalarFinding[] {
  if (!isRecord(data.params)) return [];
  const findings: ScalarFinding[] = [];
  for (const [name, param] of Object.entries(data.params)) {
    if (!isRecord(param)) continue;
    const path = ['params', name];
    findings.push(...patternFinding(param.pattern, [...path, 'pattern']));
    if (typeof param.default === 'string' && typeof param.pattern === 'string' && !matchesPattern(param.default, param.pattern)) {
      findings.push({ path: [...path, 'default'], message: `default "${param.default}" does not match pattern ${param.pattern}` });
    }
    if (typeof param.default === 'string' && Array.isArray(param.choices) && !param.choices.includes(param.default)) {
      findings.push({ path: [...path, 'default'], message: `default "${param.default}" is not one of the choices ${param.choices.join(', ')}` });
    }
  }
  return findings;
}

function stepRuleFindings(step: Raw, path: PathSegment[], data: Raw): ScalarFinding[] {
  const list = typeof path[0] === 'string' && Array.isArray(data[path[0]]) ? (data[path[0]] as unknown[]).map((item) => (isRecord(item) ? item : {})) : stepList(data);
  const findings: ScalarFinding[] = [];
  const kind = kindOf(step);
  if (step.each_vm !== undefined && kind && !PER_VM_KINDS.includes(kind)) {
    const hint = SELECTING_KINDS.includes(kind) ? `; to choose VMs, use select: inside ${kind}:` : '';
    findings.push({ path: [...path, 'each_vm'], message: `each_vm works on ${PER_VM_KINDS.join(', ')} steps, not on ${kind}${hint}` });
  }
  const input = step.input;
  if (isRecord(input)) {
    findings.push(...patternFinding(input.pattern, [...path, 'input', 'pattern']));
    if (typeof input.default === 'string' && typeof input.pattern === 'string' && !matchesPattern(input.default, input.pattern)) {
      findings.push({ path: [...path, 'input', 'default'], message: `default "${input.default}" does not match pattern ${input.pattern}` });
    }
  }
  // Guided mode looks for expect.output in the command's output: it must be a pattern RE2 can run.
  if (isRecord(step.expect)) findings.push(...patternFinding(step.expect.output, [...path, 'expect', 'output']));
  const choice = step.choice;
  if (isRecord(choice) && typeof choice.default === 'string' && Array.isArray(choice.options) && !choice.options.includes(choice.default)) {
    findings.push({ path: [...path, 'choice', 'default'], message: `default "${choice.default}" is not one of the options${didYouMean(choice.default, choice.options.map(String))}` });
  }
  const onFailure = step.on_failure;
  if (isRecord(onFailure) && typeof onFailure.revert === 'string') {
    const target = onFailure.revert;
    const index = list.findIndex((candidate) => candidate.id === target);
    const targetStep = list[index];
    const here = typeof path[1] === 'number' ? path[1] : -1;
    const where: PathSegment[] = [...path, 'on_failure', 'revert'];
    if (!targetStep) findings.push({ path: where, message: `no step "${target}"${path[0] === 'steps' ? '' : ` in ${String(path[0])}`}${didYouMean(target, list.map((candidate) => String(candidate.id ?? '')))}` });
    else if (kindOf(targetStep) !== revert.key) findings.push({ path: where, message: `step "${target}" is not a revert step` });
    else if (index <= here) findings.push({ path: where, message: `the revert step "${target}" must come after this step` });
  }
  const hostAt = step.on === 'host' ? [...path, 'on'] : isRecord(step.wait) && step.wait.on === 'host' ? [...path, 'wait', 'on'] : undefined;
  const hasSsh = isRecord(data.target) && typeof data.target.ssh === 'string';
  // Even with simulated VMs: without target.ssh the command would run on the operator's own machine.
  if (hostAt && path[0] === 'per_host') findings.push(...memberSshFindings(data, hostAt));
  else if (hostAt && !hasSsh) findings.push({ path: hostAt, message: isRecord(data.cluster) ? HOST_WITHOUT_SSH_IN_CLUSTER : HOST_WITHOUT_SSH });
  return findings;
}

/** The VMs of a simulated inventory, as lint can know them without a host. */
function simulatedVms(data: Raw): Vm[] | undefined {
  const inventory = isRecord(data.inventory) ? data.inventory : undefined;
  if (inventory && inventory.provider !== 'sim') return undefined;
  // A simulated cluster's VMs live on its members; only VMs listed here are known to lint.
  if (isRecord(data.cluster) && !Array.isArray(inventory?.vms)) return undefined;
  const specs = Array.isArray(inventory?.vms) ? inventory.vms.filter(isRecord) : DEFAULT_SIM_VMS;
  return specs.map((spec) => ({
    name: String(spec.name ?? ''),
    id: String(spec.name ?? ''),
    state: spec.state === 'shut-off' || spec.state === 'paused' ? spec.state : 'running',
    vcpus: 1,
    memory_mib: 1,
    tags: Array.isArray(spec.tags) ? spec.tags.map(String) : [],
    autostart: false,
  }));
}

/** A tag, name or list selector that matches no VM of a simulated inventory is a typo. */
function selectorFindings(step: Raw, path: PathSegment[], vms: Vm[]): ScalarFinding[] {
  const findings: ScalarFinding[] = [];
  const check = (selector: unknown, where: PathSegment[]) => {
    if (typeof selector !== 'string' && !(Array.isArray(selector) && selector.every((name) => typeof name === 'string'))) return;
    const spec = selector as SelectorSpec;
    if (!namesSomething(spec) || selectVms(vms, spec, []).length > 0) return;
    const tags = [...new Set(vms.flatMap((vm) => vm.tags))].sort();
    findings.push({
      path: where,
      message: `matches no VM of the simulated inventory (VMs: ${vms.map((vm) => vm.name).join(', ') || 'none'}; tags: ${tags.join(', ') || 'none'})`,
    });
  };
  const kind = kindOfStep(step);
  const block = kind ? step[kind.key] : undefined;
  if (kind && isRecord(block) && 'select' in block) check(block.select, [...path, kind.key, 'select']);
  if (step.each_vm !== undefined) check(step.each_vm, [...path, 'each_vm']);
  return findings;
}

/**
 * Advice about the order of steps: a note right before a step that changes the world is read and
 * passed, so a decision wants a confirm; and when the VMs must be shut down for the patch, a
 * reboot with VMs still running takes them down hard.
 */
function orderHints(data: Raw, steps: Raw[], vms: Vm[] | undefined, list = 'steps'): ScalarFinding[] {
  const hints: ScalarFinding[] = [];
  const shutdownRequired = isRecord(data.patch) && data.patch.vm_shutdown === 'required';
  const stillRunning = new Set((vms ?? []).filter((vm) => vm.state === 'running').map((vm) => vm.name));
  let shutdownSeen = false;
  steps.forEach((step, index) => {
    const kind = kindOfStep(step);
    const next = steps[index + 1];
    const nextKind = next ? kindOfStep(next) : undefined;
    if (kind?.spec.text && nextKind?.facts.destructive) {
      hints.push({ path: [list, index, kind.key], message: `a note before ${nextKind.key} is read and passed; if the operator must decide something first, use confirm: instead`, hint: true });
    }
    if (kind?.facts.destructive && !kind.facts.restartsHost) {
      shutdownSeen = true;
      const selector = (() => {
        try {
          return kind.selector(step);
        } catch {
          return undefined;
        }
      })();
      if (vms && selector !== undefined) for (const vm of selectVms(vms, selector, [])) stillRunning.delete(vm.name);
    }
    if (shutdownRequired && kind?.facts.restartsHost) {
      const names = [...stillRunning];
      if (!vms && !shutdownSeen) {
        hints.push({ path: [list, index, kind.key], message: 'patch.vm_shutdown is required, but no step before this reboot shuts VMs down: they would go down hard', hint: true });
      } else if (vms && names.length > 0) {
        hints.push({ path: [list, index, kind.key], message: `patch.vm_shutdown is required, but ${names.join(', ')} would still be running at this reboot and go down hard`, hint: true });
      }
    }
  });
  return hints;
}

/** Every step of the runbook with the list it sits in, in run order: steps, or the three cluster phases. */
function stepEntries(data: Raw): { step: Raw; path: PathSegment[] }[] {
  const lists = ['steps', ...CLUSTER_PHASES].filter((key) => Array.isArray(data[key]));
  return lists.flatMap((key) => (data[key] as unknown[]).map((step, index) => ({ step: isRecord(step) ? step : {}, path: [key, index] as PathSegment[] })));
}

function stepPlace(path: PathSegment[]): string {
  const [list, index] = path;
  return `${list === 'steps' ? 'step' : `${String(list)} step`} ${Number(index) + 1}`;
}

export function referenceFindings(data: unknown): ScalarFinding[] {
  if (!isRecord(data)) return [];
  const entries = stepEntries(data);
  const stepIds = entries.map(({ step }) => (typeof step.id === 'string' ? step.id : ''));
  const vars = new Map<string, number>();
  entries.forEach(({ step }, index) => definedVars(step).forEach((name) => vars.has(name) || vars.set(name, index)));
  const params = isRecord(data.params) ? Object.keys(data.params) : [];
  const findings: ScalarFinding[] = [...paramFindings(data), ...clusterReferenceFindings(data)];
  const vms = simulatedVms(data);
  const cluster = isRecord(data.cluster);

  const seen = new Map<string, PathSegment[]>();
  entries.forEach(({ step, path }, index) => {
    const id = stepIds[index];
    if (id) {
      const first = seen.get(id);
      if (first !== undefined) {
        findings.push({ path: [...path, 'id'], message: `duplicate step id "${id}": ${stepPlace(first)} already uses it` });
      } else seen.set(id, path);
    }
    const scope: Scope = { params, vars, stepIds, stepIndex: index, perVm: step.each_vm !== undefined, cluster, perHost: path[0] === 'per_host' };
    findings.push(...whenFindings(step, path, scope));
    // A canned rehearsal output is shown as written, never expanded: it holds no templates.
    const { id: _id, when: _when, rehearse: _rehearse, ...rest } = step;
    findings.push(...templateFindings(rest, path, scope));
    findings.push(...stepRuleFindings(step, path, data));
    if (vms) findings.push(...selectorFindings(step, path, vms));
  });

  for (const list of ['steps', 'per_host']) {
    if (Array.isArray(data[list])) findings.push(...orderHints(data, stepList({ steps: data[list] }), vms, list));
  }

  const topScope: Scope = { params, vars, stepIds, stepIndex: 0, perVm: false, topLevel: true, cluster };
  for (const key of ['title', 'summary', 'inventory', 'target', 'cluster']) {
    findings.push(...templateFindings(data[key], [key], topScope));
  }
  findings.push(...approvalFindings(data));
  return findings;
}
