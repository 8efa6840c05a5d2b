// Keeps a RunFollower up to date: fs.watch on the run folder and its steps folder says when bytes
// were appended, and a poll catches what fs.watch misses (network file systems, a folder made
// late). Each wake-up reads only what was appended.
import { watch, type FSWatcher } from 'node:fs';
import { WATCH_POLL_MS } from '../limits.js';
import type { RunFolder } from '../journal/run-folder.js';
import type { RunFollower } from './run-follower.js';

export interface LiveFollow {
  stop(): void;
}

export function followLive(follower: RunFollower, folder: RunFolder, onPump: () => void = () => {}): LiveFollow {
  const watchers: FSWatcher[] = [];
  let scheduled = false;
  let stopped = false;
  const pump = () => {
    scheduled = false;
    if (stopped) return;
    follower.pump();
    onPump();
  };
  const soon = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(pump);
  };
  for (const dir of [folder.dir, folder.stepsDir]) {
    try {
      const watcher = watch(dir, { persistent: false }, soon);
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // No folder yet, or no inotify left: the poll still sees every change.
    }
  }
  const timer = setInterval(soon, WATCH_POLL_MS);
  soon();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
