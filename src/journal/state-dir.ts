// Where runs, journals and locks live: PATCHWALK_STATE_DIR, else $XDG_STATE_HOME/patchwalk, else
// ~/.local/state/patchwalk; and the checks that keep other users out of it.
//
// Journals and output hold what the operator did and saw, and a run folder or lock that someone
// else can plant steers what resume runs. So the state dir, runs/ and locks/ are used only when no
// other user can write to them: owned by this user, no world bits, and no group write unless the
// state dir is group-shared on purpose: a setgid folder of one of this user's groups with no world
// access (`install -d -m 2770 -g patchwalk DIR`), for watching and two-person approval. Then files
// are 0660 and folders 2770, and every member may own them. A symlink is followed only when this
// user (or root) owns it.
import { chmodSync, lstatSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KnownCauseError } from '../exit-codes.js';
import { DIR_MODE, makeDir, setSharedState, setStateRoot } from './state-io.js';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PATCHWALK_STATE_DIR) return env.PATCHWALK_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'patchwalk');
}

export const runsDir = (root: string) => join(root, 'runs');
export const locksDir = (root: string) => join(root, 'locks');

export interface StatePolicy {
  /** Allow group write for this group id, on a setgid folder owned by that group (shared watching). */
  sharedGroup?: number;
  /** The user patchwalk runs as; the process's own by default. */
  uid?: number;
}

export class UnsafeStateDir extends KnownCauseError {}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** Why `path` must not be used, or undefined when it may; a folder with spare read bits is tightened. */
export function checkStateFolder(path: string, policy: StatePolicy = {}): string | undefined {
  const uid = policy.uid ?? process.getuid?.() ?? 0;
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return undefined; // Not there yet: it will be made 0700.
  }
  let stats = link;
  if (link.isSymbolicLink()) {
    if (link.uid !== uid && link.uid !== 0) {
      return `${path} is a symlink owned by another user (uid ${link.uid}), who could point it anywhere. Fix: remove it (rm ${path}) or set PATCHWALK_STATE_DIR to a folder of your own`;
    }
    try {
      stats = statSync(path);
    } catch {
      return `${path} is a symlink to nothing. Fix: remove it (rm ${path})`;
    }
  }
  if (!stats.isDirectory()) return `${path} is not a folder. Fix: move it away, or set PATCHWALK_STATE_DIR to a folder of your own`;
  const mode = stats.mode & 0o7777;
  const shared = policy.sharedGroup !== undefined && stats.gid === policy.sharedGroup && (mode & 0o2000) !== 0;
  // In a shared state dir the folders belong to whichever member made them; the group is what counts.
  if (stats.uid !== uid && !shared) {
    return `${path} is owned by another user (uid ${stats.uid}, you are uid ${uid}), who could change its runs and locks. Fix: set PATCHWALK_STATE_DIR to a folder of your own`;
  }
  if (mode & 0o002) return `every user can write to ${path} (mode ${octal(mode)}), so anyone could plant or change runs and locks. Fix: chmod ${shared ? '2770' : '700'} ${path}`;
  if (mode & 0o020 && !shared) {
    return `the group of ${path} (gid ${stats.gid}) can write to it (mode ${octal(mode)}), so its members could plant or change runs and locks. Fix: chmod 700 ${path}`;
  }
  // Nobody else can write, but others may read journals and output: take their access away.
  const wanted = shared ? mode & 0o3770 : mode & 0o700;
  if (wanted !== mode) {
    try {
      chmodSync(path, wanted | (shared ? 0 : DIR_MODE));
    } catch {
      // A read-only state dir can still be listed; nobody else can write to it either way. A
      // shared folder another member owns cannot be tightened here: world access is refused.
      if (shared && mode & 0o007) {
        return `every user can read ${path} (mode ${octal(mode)}), and a shared state dir is for its group only. Fix: chmod o-rwx ${path} (as its owner, uid ${stats.uid})`;
      }
    }
  }
  return undefined;
}

/**
 * The group of a state dir set up for a team on purpose (`install -d -m 2770 -g patchwalk DIR`): a
 * setgid folder the group may enter and write, with no world access, of a group this user is in.
 * Anything else is private to its owner.
 */
export function sharedGroupOf(root: string): number | undefined {
  let stats: Stats;
  try {
    stats = statSync(root);
  } catch {
    return undefined;
  }
  const mode = stats.mode & 0o7777;
  if (!stats.isDirectory() || !(mode & 0o2000) || (mode & 0o070) !== 0o070 || mode & 0o007) return undefined;
  // root belongs to every group in effect: an admin may drive a run in the team's dir.
  if (process.getuid?.() === 0) return stats.gid;
  const groups = new Set([process.getgid?.(), ...(process.getgroups?.() ?? [])]);
  return groups.has(stats.gid) ? stats.gid : undefined;
}

const checked = new Set<string>();

/**
 * Checks the state dir, runs/ and locks/ before patchwalk reads or writes them, and makes the
 * state dir (0700) when `create` says so. Throws UnsafeStateDir, naming the folder, why and how to fix it.
 */
export function prepareStateDir(root: string, { create = false, policy = {} as StatePolicy } = {}): string {
  setStateRoot(root);
  const group = policy.sharedGroup ?? sharedGroupOf(root);
  if (group !== undefined) policy = { ...policy, sharedGroup: group };
  setSharedState(group !== undefined);
  const key = `${root}\0${create}`;
  if (checked.has(key)) return root;
  for (const path of [root, runsDir(root), locksDir(root)]) {
    const problem = checkStateFolder(path, policy);
    if (problem) throw new UnsafeStateDir(`refusing the state dir: ${problem}`);
  }
  // runs/ and locks/ are made with the first run folder and the first lock, 0700 like this one.
  if (create) makeDir(root);
  checked.add(key);
  return root;
}
