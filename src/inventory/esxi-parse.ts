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
}

const ROW = /^(\d+)\s+(.*?)\s+(\[[^\]]*\]\s.*?\.vmx)\s+(\S+)\s+(vmx-\d+)\s*(.*)$/;

/**
 * `vim-cmd vmsvc/getallvms`: a header, then one row per VM (Vmid, Name, File, Guest OS, Version,
 * Annotation). A multi-line annotation continues on the following lines; lines such as
 * "Skipping invalid VM '7'" are not VMs.
 */
export function parseGetAllVms(text: string): EsxiVm[] {
  const vms: EsxiVm[] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    if (/^Vmid\s+Name\s+File/.test(line)) {
      inTable = true;
      continue;
    }
    const row = ROW.exec(line);
    if (row) {
      vms.push({ vmid: row[1], name: row[2], file: row[3], guestOs: row[4], version: row[5], annotation: row[6].trimEnd() });
    } else if (inTable && vms.length > 0 && !/^Skipping /.test(line) && line.trim()) {
      vms[vms.length - 1].annotation += `\n${line.trimEnd()}`;
    }
  }
  return vms;
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

/** `vim-cmd vmsvc/get.summary VMID`: numCpu and memorySizeMB from the config section. */
export function parseSummary(text: string): { vcpus: number; memoryMib: number } {
  return {
    vcpus: Number(/numCpu = (\d+)/.exec(text)?.[1] ?? 0),
    memoryMib: Number(/memorySizeMB = (\d+)/.exec(text)?.[1] ?? 0),
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
