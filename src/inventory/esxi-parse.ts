// Pure parsers for ESXi's vim-cmd output.
import type { VmState } from '../engine/types.js';
import { tagsFromText } from './provider-exec.js';

export interface EsxiVm {
  vmid: string;
  name: string;
  file: string;
  guestOs: string;
  version: string;
  annotation: string;
  /** A template (`.vmtx`): registered, but never powered on. */
  template: boolean;
  /** A vSphere Cluster Services (or other CRX) VM that vCenter runs on the host: never patchwalk's to power. */
  system: boolean;
}

export interface GetAllVms {
  vms: EsxiVm[];
  /** Rows that look like VMs but cannot be split into columns, as printed. */
  unparsed: string[];
  /** Vmids ESXi skipped as invalid (an unreadable or missing .vmx). */
  skipped: string[];
}

const HEADER = /^Vmid\s+Name\s+File\s+Guest OS\s+Version\s+Annotation/;
const ROW_START = /^\d+ +\S/;
const VERSION_AT = /^vmx-\d+(?= |$)/;
/** `[datastore1] dir/x.vmx`, a template's `.vmtx`, or vCLS's `[] /var/run/crx/…/x.vmx`. */
const FILE = /^\[[^\]]*\] \S.*\.vmt?x$/;
/** vCLS and vSphere Pod VMs: vCenter creates, places and powers them. */
const SYSTEM_GUESTS = new Set(['crxSys1Guest', 'crxPod1Guest']);

// vim-cmd pads its columns by bytes, so a name such as `Büro-Server` shifts every later column
// by a character: positions are counted on the UTF-8 bytes (one latin1 character each).
const asBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const asText = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');

/** The value seen in the most rows, ties going to the one `prefer` picks. */
function mostCommon(positions: number[][], prefer: (a: number, b: number) => number): number | undefined {
  const counts = new Map<number, number>();
  for (const row of positions) for (const position of new Set(row)) counts.set(position, (counts.get(position) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || prefer(a[0], b[0]))[0]?.[0];
}

/**
 * `vim-cmd vmsvc/getallvms`: a header, then one row per VM (Vmid, Name, File, Guest OS, Version,
 * Annotation), each column padded to its widest value plus three spaces. The header's labels do
 * not sit over their columns on real hosts (Name and File are centred, roughly), but Version
 * does, and the rows line up with one another. So the Version column comes from the header and
 * the rows, the Name/File boundary is where the file's `[datastore] ` starts in every row, and
 * Guest OS is the one word before Version (absent for some VMs). A row that still cannot be split
 * is reported, never glued onto the previous VM's annotation; a multi-line annotation continues
 * on the following lines.
 */
export function parseGetAllVms(text: string): GetAllVms {
  const lines = text.split('\n').map((line) => asBytes(line.replace(/\r$/, '')));
  const result: GetAllVms = { vms: [], unparsed: [], skipped: [] };
  const headerAt = lines.findIndex((line) => HEADER.test(line));
  for (const line of lines) {
    const skipped = /^Skipping invalid VM '(\d+)'/.exec(line);
    if (skipped) result.skipped.push(skipped[1]!);
  }
  if (headerAt < 0) {
    const other = lines.find((line) => line.trim() && !/^Skipping invalid VM/.test(line));
    if (other) throw new Error(`vim-cmd vmsvc/getallvms printed no table: ${asText(other).slice(0, 120)}`);
    return result;
  }
  const header = lines[headerAt]!; // headerAt >= 0 was checked just above
  const body = lines.slice(headerAt + 1);
  const rowLike = body.filter((line) => ROW_START.test(line));
  const versionAt = mostCommon(
    rowLike.map((line) => [...line.matchAll(/(?<= )vmx-\d+(?= |$)/g)].map((match) => match.index)),
    (a, b) => Number(b === header.indexOf('Version')) - Number(a === header.indexOf('Version')) || a - b,
  );
  const isRow = (line: string) => versionAt !== undefined && ROW_START.test(line) && line[versionAt - 1] === ' ' && VERSION_AT.test(line.slice(versionAt));

  const fileAt = mostCommon(body.filter(isRow).map((line) => columns(line, versionAt!).fileStarts), (a, b) => a - b);
  const fileHint = header.indexOf('File');

  let last: EsxiVm | undefined;
  for (const line of body) {
    if (/^Skipping invalid VM/.test(line)) continue;
    if (isRow(line)) {
      last = parseRow(line, versionAt!, fileAt, fileHint);
      if (last) result.vms.push(last);
      else result.unparsed.push(asText(line).trimEnd());
    } else if (ROW_START.test(line) && /\.vmt?x /.test(line)) {
      last = undefined;
      result.unparsed.push(asText(line).trimEnd());
    } else if (last && line.trim()) {
      last.annotation += `\n${asText(line.trimEnd())}`;
    }
  }
  return result;
}

/** A row up to Version: the Guest OS word taken off, and where the File column may start. */
function columns(line: string, versionAt: number): { before: string; guestOs: string; fileStarts: number[] } {
  let before = line.slice(0, versionAt).trimEnd();
  let guestOs = '';
  const guest = / {2,}(\S+)$/.exec(before);
  if (guest && !/\.vmt?x$/.test(guest[1]!)) {
    guestOs = guest[1]!;
    before = before.slice(0, guest.index);
  }
  // After three spaces of padding, a `[…] ` that runs to the `.vmx`.
  const fileStarts = [...before.matchAll(/ {3}\[/g)].map((match) => match.index + 3).filter((at) => FILE.test(before.slice(at)));
  return { before, guestOs, fileStarts };
}

function parseRow(line: string, versionAt: number, fileAt: number | undefined, fileHint: number): EsxiVm | undefined {
  const version = VERSION_AT.exec(line.slice(versionAt))![0];
  const vmid = /^\d+/.exec(line)![0];
  const { before, guestOs, fileStarts } = columns(line, versionAt);
  // The column every row agrees on; else the only place; else the last one left of the header's File.
  const at =
    fileAt !== undefined && fileStarts.includes(fileAt)
      ? fileAt
      : fileStarts.length === 1
        ? fileStarts[0]
        : ([...fileStarts].reverse().find((start) => start <= fileHint) ?? fileStarts[0]);
  if (at === undefined) return undefined;
  const name = before.slice(vmid.length, at).trim();
  const file = before.slice(at);
  if (!name) return undefined;
  return {
    vmid,
    name: asText(name),
    file: asText(file),
    guestOs,
    version,
    annotation: asText(line.slice(versionAt + version.length).trim()),
    template: file.endsWith('.vmtx'),
    system: SYSTEM_GUESTS.has(guestOs) || file.startsWith('[] /var/run/crx/'),
  };
}

export function esxiTags(vm: EsxiVm): string[] {
  return tagsFromText(vm.annotation);
}

/** `vim-cmd vmsvc/power.getstate VMID`: "Retrieved runtime info" then "Powered on|off", "Suspended". */
export function parsePowerState(text: string): VmState {
  if (/Powered on/i.test(text)) return 'running';
  if (/Powered off/i.test(text)) return 'shut-off';
  if (/Suspended/i.test(text)) return 'paused';
  return 'unknown';
}

/** The marker the host-side loops print before each VM's output. */
export const VM_MARKER = '@pw-vm ';

/**
 * The autostart sequence, then get.summary of each vmid given: the details of every VM in one call
 * to the host instead of one per VM.
 */
export const DETAILS_SCRIPT =
  'vim-cmd hostsvc/autostartmanager/get_autostartseq 2>&1; ' +
  `for id in "$@"; do echo "${VM_MARKER}$id"; vim-cmd vmsvc/get.summary "$id" 2>&1; done`;

/** power.getstate of each vmid given, in one call to the host. */
export const POWER_STATES_SCRIPT = `for id in "$@"; do echo "${VM_MARKER}$id"; vim-cmd vmsvc/power.getstate "$id" 2>&1; done`;

/** A loop's output: what came before the first marker, and each vmid's own output. */
export function splitByVm(text: string): { head: string; byVmid: Map<string, string> } {
  const byVmid = new Map<string, string>();
  const [head, ...sections] = text.split(new RegExp(`^${VM_MARKER}`, 'm'));
  for (const section of sections) {
    const newline = section.indexOf('\n');
    byVmid.set((newline < 0 ? section : section.slice(0, newline)).trim(), newline < 0 ? '' : section.slice(newline + 1));
  }
  return { head: head ?? '', byVmid };
}

/** `vim-cmd vmsvc/get.summary VMID`: numCpu and memorySizeMB from the config section. */
export function parseSummary(text: string): { vcpus: number; memoryMib: number; state: VmState } {
  const power = /powerState = "(\w+)"/.exec(text)?.[1];
  return {
    vcpus: Number(/numCpu = (\d+)/.exec(text)?.[1] ?? 0),
    memoryMib: Number(/memorySizeMB = (\d+)/.exec(text)?.[1] ?? 0),
    state: power === 'poweredOn' ? 'running' : power === 'poweredOff' ? 'shut-off' : power === 'suspended' ? 'paused' : 'unknown',
  };
}

/** `vim-cmd hostsvc/autostartmanager/get_autostartseq`: the vmids set to power on with the host. */
export function parseAutostart(text: string): Set<string> {
  const ids = new Set<string>();
  for (const entry of text.split(/\(vim\.host\.AutoStartManager\.AutoPowerInfo\)/).slice(1)) {
    const vmid = /key = 'vim\.VirtualMachine:(\d+)'/.exec(entry)?.[1];
    const action = /startAction = "?'?([A-Za-z]+)/.exec(entry)?.[1];
    if (vmid && action && /^poweron$/i.test(action)) ids.add(vmid);
  }
  return ids;
}

/** vim-cmd reports faults as `(vim.fault.X) { … msg = "…" }`, sometimes with exit code 0. */
export function vimFault(text: string): string | undefined {
  const fault = /\((vim|vmodl)\.fault\.(\w+)\)/.exec(text);
  if (!fault) return undefined;
  const msg = /msg = "([\s\S]*?)",?\s*\n/.exec(text)?.[1];
  return msg ? `${fault[2]}: ${msg}` : fault[2];
}
