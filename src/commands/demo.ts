// `patchwalk demo`: a rehearsal of the bundled runbook on the simulated host; needs nothing installed.
import { fileURLToPath } from 'node:url';
import { runRunbook, type Io, type RunFlags } from './run.js';

export const DEMO_RUNBOOK = fileURLToPath(new URL('../../runbooks/demo.yaml', import.meta.url));

export const DEMO_CLUSTER_RUNBOOK = fileURLToPath(new URL('../../runbooks/demo-cluster.yaml', import.meta.url));

export async function runDemo(flags: RunFlags & { cluster?: boolean }, io: Io): Promise<number> {
  // Without a terminal nobody can answer, and the demo touches nothing real: answer for them.
  const yes = flags.yes || !io.stdin.isTTY;
  if (yes && !flags.yes) io.stdout.write('(no terminal on stdin: the demo answers its own prompts)\n');
  if (flags.cluster) {
    // Each demo run has a simulated host of its own: one left interrupted is named (with its resume
    // command) but, with nobody to ask, does not stop a new one.
    const takeOver = flags.takeOver || !io.stdin.isTTY;
    return runRunbook(DEMO_CLUSTER_RUNBOOK, { ...flags, yes, takeOver, training: true }, io);
  }
  // The demo is one rehearsal among others: nothing is executed, the steps play their canned
  // results, and like every rehearsal it takes no host lock, so no earlier demo stands in its way.
  return runRunbook(DEMO_RUNBOOK, { ...flags, yes, training: true, rehearse: true }, io);
}
