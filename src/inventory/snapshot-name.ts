// Snapshot names reach some hypervisor tools unquoted (vim-cmd and qm take them as bare words, and
// a leading dash would read as an option), so only a safe set of names is ever sent.
import { SNAPSHOT_NAME_MAX } from '../limits.js';

/** Letters, digits, dot, underscore and dash; a letter or digit first. */
export const SNAPSHOT_NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${SNAPSHOT_NAME_MAX - 1}}$`);

/** Why a snapshot name cannot be used, or undefined when it can. */
export function snapshotNameProblem(name: string): string | undefined {
  if (SNAPSHOT_NAME_PATTERN.test(name)) return undefined;
  const shown = JSON.stringify(name.length > SNAPSHOT_NAME_MAX + 8 ? `${name.slice(0, SNAPSHOT_NAME_MAX)}…` : name);
  return `snapshot name ${shown} is not allowed: use 1 to ${SNAPSHOT_NAME_MAX} letters, digits, dots, underscores or dashes, starting with a letter or digit`;
}
