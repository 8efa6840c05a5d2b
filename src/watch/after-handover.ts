// The console of a session whose run was taken over: it stops drawing what its own driver does and
// follows the journal from just past the handover, like `patchwalk watch`, until its operator quits.
import { statSync } from 'node:fs';
import type { RunState } from '../engine/types.js';
import type { RecordOf } from '../journal/records.js';
import type { RunFolder } from '../journal/run-folder.js';
import type { RunStore } from '../ui/run-store.js';
import { followLive } from './live.js';
import { RunFollower } from './run-follower.js';

export interface TakenOverConsole {
  store: RunStore;
  /** Resolves when the operator leaves (q). */
  exited: Promise<void>;
}

export async function watchAfterHandover(
  console: TakenOverConsole,
  run: {
    folder: RunFolder;
    state: RunState;
    handover: RecordOf<'handover'>;
    /** Journal offset just past the handover record. */
    offset: number;
    /** The command this session was following, whose output the watcher goes on with. */
    command?: { outFile: string; stepId: string };
    takenOverBy: string;
  },
): Promise<void> {
  const { store } = console;
  const { folder, command } = run;
  let outputAt = 0;
  try {
    outputAt = command ? statSync(command.outFile).size : 0;
  } catch {
    // Not written yet.
  }
  const follower = new RunFollower(
    folder,
    run.state,
    {
      state: (next, previous) => store.state(next, previous),
      output: (stepId, stream, line) => store.output(stepId, stream, line),
      progress: (stepId, text) => store.progress(stepId, text),
      standing: (standing) => store.watch(standing),
    },
    {
      offset: run.offset,
      driver: run.handover.to,
      output: command ? { file: folder.relative(command.outFile), step: command.stepId, offset: outputAt } : undefined,
    },
  );
  store.watch({ driver: run.handover.to, waiting: undefined, handover: run.handover, interrupted: false, ended: false });
  store.progress('', `taken over by ${run.takenOverBy}; this console only watches now (q leaves)`);
  const live = followLive(follower, folder);
  await console.exited;
  live.stop();
}
