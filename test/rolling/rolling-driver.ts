// Drives a cluster runbook through the real driver against the simulated cluster, answering each
// question with a scripted function. No CLI, no journal: the engine, the kinds and the sim.
import { parse } from 'yaml';
import { initialState } from '../../src/engine/engine.js';
import type { Prompt, PromptAnswer, RollingMember, RunState } from '../../src/engine/types.js';
import { RunDriver } from '../../src/run/drive-run.js';
import { clusterHypervisor } from '../../src/rolling/cluster-hypervisor.js';
import { hypervisorFor } from '../../src/run/hypervisor.js';
import type { Runbook } from '../../src/runbook/schema.js';
import type { SimCluster } from '../../src/inventory/sim-cluster.js';
import { commandText } from '../../src/runbook/template.js';

export function members(...names: string[]): RollingMember[] {
  return names.map((name) => ({ name, vars: Object.create(null) as Record<string, string> }));
}

export interface Driven {
  end: RunState;
  questions: string[];
  sim: SimCluster;
  progress: string[];
}

export async function driveCluster(
  yaml: string,
  names: string[],
  answer: (prompt: Prompt) => PromptAnswer,
  options: { stateFile?: string; yes?: boolean; initial?: RunState } = {},
): Promise<Driven> {
  const runbook = parse(yaml) as Runbook;
  const list = members(...names);
  const state =
    options.initial ?? initialState(runbook, { yes: options.yes ?? false, dryRun: false, pauseToRead: false, runId: 'r1', operator: 'op' }, {}, list);
  const hypervisor = clusterHypervisor(state.runbook, list, { simStateFile: options.stateFile }, hypervisorFor);
  const questions: string[] = [];
  const progress: string[] = [];
  const driver = new RunDriver(state, {
    provider: hypervisor.provider,
    host: hypervisor.host,
    cluster: hypervisor.cluster,
    prompter: {
      ask: async (prompt) => {
        questions.push(prompt.question);
        return answer(prompt);
      },
    },
    exec: async (request) => ({ exitCode: commandText(request.command).trim() === 'false' || /fail-on '?pve1'?$/.test(commandText(request.command).trim()) ? 1 : 0, timedOut: false, aborted: false, durationMs: 0, stdout: '' }),
    observer: { progress: (_step, text) => progress.push(text) },
  });
  const end = await driver.run();
  return { end, questions, sim: hypervisor.provider as unknown as SimCluster, progress };
}

/** Answers: "go" where offered, yes to confirmations, the named host to type-to-confirm. */
export function agreeable(overrides: (prompt: Prompt) => PromptAnswer | undefined = () => undefined) {
  return (prompt: Prompt): PromptAnswer => {
    const chosen = overrides(prompt);
    if (chosen !== undefined) return chosen;
    switch (prompt.kind) {
      case 'choice':
        return prompt.options.some((option) => option.value === 'go') ? 'go' : (prompt.options[0]?.value ?? '');
      case 'type-to-confirm':
        return prompt.expected;
      case 'select-vms':
        return prompt.selected;
      case 'input':
        return prompt.default ?? '';
      default:
        return true;
    }
  };
}
