// `patchwalk demo`: a rehearsal of the bundled runbook on the simulated host; needs nothing installed.
import { fileURLToPath } from 'node:url';
import { runRunbook, type Io, type RunFlags } from './run.js';

export const DEMO_RUNBOOK = fileURLToPath(new URL('../../runbooks/demo.yaml', import.meta.url));

export async function runDemo(flags: RunFlags, io: Io): Promise<number> {
  // Without a terminal nobody can answer, and the demo touches nothing real: answer for them.
  const yes = flags.yes || !io.stdin.isTTY;
  if (yes && !flags.yes) io.stdout.write('(no terminal on stdin: the demo answers its own prompts)\n');
  // The demo is one rehearsal among others: nothing is executed, the steps play their canned
  // results, and like every rehearsal it takes no host lock, so no earlier demo stands in its way.
  return runRunbook(DEMO_RUNBOOK, { ...flags, yes, training: true, rehearse: true }, io);
}
