// `vim-cmd vmsvc/snapshot.get VMID`: the snapshot tree, one block per snapshot, deeper snapshots
// behind more dashes ("--Snapshot Name : x", then "----|-CHILD", "----Snapshot Name : y"). vim-cmd
// spells "Desciption" that way.
export interface EsxiSnapshot {
  name: string;
  id: string;
  state: string;
  /** 0 for a root snapshot, 1 for its child, and so on. */
  depth: number;
}

export function parseSnapshotTree(text: string): EsxiSnapshot[] {
  const snapshots: EsxiSnapshot[] = [];
  let current: EsxiSnapshot | undefined;
  for (const line of text.split('\n')) {
    const [, dashes, key, value] = /^(-+)Snapshot (Name|Id|State)\s*:\s?(.*)$/.exec(line.trimEnd()) ?? [];
    if (dashes === undefined || value === undefined) continue;
    if (key === 'Name') {
      current = { name: value, id: '', state: '', depth: dashes.length / 2 - 1 };
      snapshots.push(current);
    } else if (current && key === 'Id') {
      current.id = value.trim();
    } else if (current && key === 'State') {
      current.state = value.trim();
    }
  }
  return snapshots.filter((snapshot) => /^\d+$/.test(snapshot.id));
}
