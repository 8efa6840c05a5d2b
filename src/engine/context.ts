// What `{{ name }}` and `when:` names mean at a given point of a run.
import { evaluate, parseExpression, truthy, type Value } from '../runbook/expression.js';
import { commandText, renderCommand, renderText, type Command } from '../runbook/template.js';
import type { CommandSpec } from '../runbook/schema.js';
import type { RunState, Vm } from './types.js';
import { currentMember, memberStepId } from '../rolling/cluster-runbook.js';

export const SECRET_MASK = '********';

export function targetName(state: Pick<RunState, 'runbook' | 'params'> & Partial<Pick<RunState, 'rolling' | 'cursor' | 'phase'>>): string {
  const { runbook, params } = state;
  // A rolling's target is the member being patched, or the cluster between members.
  const cluster = (runbook as { cluster?: { name: string } }).cluster;
  const member = state.rolling && state.cursor !== undefined && state.phase ? currentMember({ rolling: state.rolling, cursor: state.cursor, phase: state.phase }) : undefined;
  if (member) return member.name;
  const plain = (text: string) => renderText(text, ([name, ...rest]) => (name !== undefined && rest.length === 0 ? params[name] : undefined));
  if (cluster) {
    try {
      return plain(cluster.name);
    } catch {
      return cluster.name;
    }
  }
  try {
    if (runbook.target?.name) return plain(runbook.target.name);
    if (runbook.target?.ssh) return plain(runbook.target.ssh).replace(/^.*@/, '').replace(/:\d+$/, '');
    if (runbook.inventory?.host) return plain(runbook.inventory.host);
  } catch {
    // A target that names an unresolved param falls through to the fallbacks below.
  }
  return params.host ?? (runbook.inventory?.provider === 'sim' || !runbook.inventory ? 'sim-host' : 'localhost');
}

function lookup(state: RunState, vm: Vm | undefined, path: string[], mask: boolean): unknown {
  const [root, field, attribute] = path;
  if (root === undefined) return undefined;
  const secret = mask && state.secretNames.includes(root);
  if (Object.hasOwn(state.params, root) && path.length === 1) return secret ? SECRET_MASK : state.params[root];
  if (Object.hasOwn(state.vars, root) && path.length === 1) return secret ? SECRET_MASK : state.vars[root];
  if (root === 'vm' && vm && field) return (vm as unknown as Record<string, unknown>)[field];
  if (root === 'host' && state.rolling) {
    const member = currentMember(state);
    if (!member || !field) return undefined;
    if (field === 'name' || field === 'ssh' || field === 'uri' || field === 'host' || field === 'node' || field === 'group') return member[field] ?? '';
    if (field === 'port') return member.port === undefined ? '' : String(member.port);
    if (field === 'vars' && attribute) return member.vars[attribute];
    return undefined;
  }
  if (root === 'steps' && field) {
    // Inside a member's steps, `steps.ID` is that member's own copy of step ID.
    const member = state.rolling ? currentMember(state) : undefined;
    const own = member ? state.steps.find((candidate) => candidate.id === memberStepId(field, member.name)) : undefined;
    const step = own ?? state.steps.find((candidate) => candidate.id === field);
    if (!step) return undefined;
    if (attribute === 'status') return step.status;
    if (attribute === 'exit_code') return step.exitCode ?? null;
    if (attribute === 'duration_ms') return step.startedAt && step.endedAt ? step.endedAt - step.startedAt : null;
    return undefined;
  }
  if (root === 'run') {
    const run: Record<string, unknown> = {
      id: state.options.runId,
      dry_run: state.options.dryRun,
      operator: state.options.operator,
      training: state.options.pauseToRead,
    };
    return field ? run[field] : undefined;
  }
  if (root === 'target') {
    if (field === 'name') return targetName(state);
    if (field === 'ssh') return state.runbook.target?.ssh ? renderText(state.runbook.target.ssh, (p) => lookup(state, vm, p, mask)) : '';
  }
  if (root === 'patch' && field) return (state.runbook.patch as Record<string, unknown> | undefined)?.[field] ?? null;
  return undefined;
}

export interface Scope {
  text(template: string): string;
  command(spec: CommandSpec, env?: Record<string, string>): { command: Command; display: string };
  condition(expression: string): boolean;
}

/** Template and condition evaluation for one step, optionally for one VM of a per-VM step. */
export function scopeFor(state: RunState, vm?: Vm): Scope {
  const real = (path: string[]) => lookup(state, vm, path, false);
  const masked = (path: string[]) => lookup(state, vm, path, true);
  return {
    text: (template) => renderText(template, masked),
    // Secrets reach the command through its environment, never its command line.
    command: (spec, env) => ({
      command: renderCommand(spec, real, { env, secret: ([name, ...rest]) => name !== undefined && rest.length === 0 && state.secretNames.includes(name) }),
      display: commandText(renderCommand(spec, masked)),
    }),
    condition: (expression) => truthy(evaluate(parseExpression(expression), (path) => (real(path) ?? undefined) as Value)),
  };
}

/** For display before every param is answered: the defaults stand in for what is still unknown. */
export function withParamDefaults(state: RunState): RunState {
  const defaults = Object.fromEntries(
    Object.entries(state.runbook.params ?? {}).flatMap(([name, param]) => (param.default !== undefined ? [[name, param.default]] : [])),
  );
  return { ...state, params: { ...defaults, ...state.params } };
}
