// Snapshot names reach hypervisor tools that take them unquoted (vim-cmd, qm), so they are kept to
// a safe alphabet.
export const SNAPSHOT_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const DEFAULT_SNAPSHOT_NAME = 'patchwalk-{{ run.id }}';

export function snapshotNameProblem(name: string): string | undefined {
  return SNAPSHOT_NAME_PATTERN.test(name) ? undefined : `snapshot name "${name}" must be 1-64 letters, digits, '.', '_' or '-'`;
}
