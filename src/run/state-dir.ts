// Where runs, journals and locks live: PATCHWALK_STATE_DIR, else the XDG state directory.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PATCHWALK_STATE_DIR) return env.PATCHWALK_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'patchwalk');
}

export function runDir(runId: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'runs', runId);
}
