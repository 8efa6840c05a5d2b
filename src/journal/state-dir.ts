// Where runs, journals and locks live: PATCHWALK_STATE_DIR, else $XDG_STATE_HOME/patchwalk, else
// ~/.local/state/patchwalk.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PATCHWALK_STATE_DIR) return env.PATCHWALK_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'patchwalk');
}

export const runsDir = (root: string) => join(root, 'runs');
export const locksDir = (root: string) => join(root, 'locks');
