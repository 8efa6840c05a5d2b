// Pure parsers and script builders for Hyper-V over PowerShell.
import type { Vm, VmState } from '../engine/types.js';
import { tagsFromText } from './provider-exec.js';

/**
 * A PowerShell single-quoted string literal. Inside one only the quote itself is special, and
 * PowerShell also takes the typographic quotes ‘ ’ ‚ ‛ as single quotes, so each is doubled.
 */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

/**
 * Windows PowerShell 5.1 writes to a pipe in the console's code page (850, 437…), so over ssh
 * `Büro-Server` arrives as `B\uFFFDro-Server`. UTF-8 without a byte order mark, in every script;
 * a session without a console refuses the setting, and then the output is what it is.
 */
export const UTF8_OUTPUT =
  'try { $utf8 = New-Object System.Text.UTF8Encoding $false; [Console]::OutputEncoding = $utf8; $OutputEncoding = $utf8 } catch { }; ';

/** The argv that runs a script in Windows PowerShell without any shell quoting on the way. */
export function powershellArgv(script: string): string[] {
  const wrapped =
    UTF8_OUTPUT +
    "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; " +
    `try { ${script} } catch { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }`;
  return ['powershell', '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(wrapped, 'utf16le').toString('base64')];
}

/** Decodes an -EncodedCommand argument back to the script, for tests. */
export function decodeScript(argv: string[]): string {
  const encoded = argv.at(-1);
  if (encoded === undefined) throw new TypeError('decodeScript: empty argv');
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

export const LIST_SCRIPT =
  'Get-VM | Select-Object Name, Id, State, ProcessorCount, MemoryStartup, AutomaticStartAction, Notes | ConvertTo-Json -Depth 2';

/** The state of every VM in one call, for polling however many VMs are changing. */
export const STATES_SCRIPT = 'Get-VM | Select-Object Name, State | ConvertTo-Json -Depth 1';

/** One VM by exact, case-sensitive name (Get-VM -Name would read [ ] * ? as wildcards). */
export function vmByName(name: string): string {
  return (
    `$vm = @(Get-VM | Where-Object { $_.Name -ceq ${psQuote(name)} }); ` +
    `if ($vm.Count -ne 1) { throw "Hyper-V has $($vm.Count) virtual machines named " + ${psQuote(psQuote(name))} }; $vm = $vm[0]`
  );
}

// Microsoft.HyperV.PowerShell.VMState: ConvertTo-Json writes the number in Windows PowerShell 5.1
// and the name with -EnumsAsStrings in PowerShell 7.
const STATE_BY_NUMBER: Record<number, string> = {
  1: 'Other', 2: 'Running', 3: 'Off', 4: 'Stopping', 6: 'Saved', 9: 'Paused', 10: 'Starting', 11: 'Reset',
  32773: 'Saving', 32776: 'Pausing', 32777: 'Resuming', 32779: 'FastSaved', 32780: 'FastSaving',
  32781: 'ForceShutdown', 32782: 'ForceReboot', 32783: 'RunningCritical', 32784: 'OffCritical',
  32785: 'StoppingCritical', 32786: 'SavedCritical', 32787: 'PausedCritical', 32788: 'StartingCritical',
};

export function hypervState(value: unknown): VmState {
  const raw = typeof value === 'number' ? STATE_BY_NUMBER[value] : String(value ?? '');
  if (raw === undefined) throw new TypeError(`unknown Hyper-V VM state number ${String(value)}`);
  const name = raw.replace(/Critical$/, '');
  switch (name) {
    case 'Running':
      return 'running';
    case 'Off':
      return 'shut-off';
    case 'Stopping':
    case 'ForceShutdown':
      return 'shutting-down';
    case 'Starting':
    case 'Resuming':
    case 'Reset':
    case 'ForceReboot':
      return 'starting';
    case 'Paused':
    case 'Pausing':
    case 'Saved':
    case 'Saving':
    case 'FastSaved':
    case 'FastSaving':
      return 'paused';
    default:
      return 'unknown';
  }
}

// Microsoft.HyperV.PowerShell.StartAction: Nothing = 2, StartIfRunning = 3, Start = 4.
function autostart(value: unknown): boolean {
  return value === 3 || value === 4 || value === 'StartIfRunning' || value === 'Start';
}

function guid(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Guid' in value) return String((value as { Guid: unknown }).Guid);
  return '';
}

/** `Get-VM | Select-Object … | ConvertTo-Json`: nothing for no VMs, an object for one, an array for more. */
export function parseGetVm(text: string): Vm[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return [];
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    throw new Error(`Get-VM printed something that is not JSON: ${(trimmed.split('\n')[0] ?? '').slice(0, 120)}`);
  }
  const items = (Array.isArray(data) ? data : [data]) as Record<string, unknown>[];
  const garbled = items.find((item) => String(item.Name ?? item.VMName ?? '').includes('\uFFFD'));
  if (garbled) {
    // Stop-VM and Start-VM could never find it by that name.
    throw new Error(`Get-VM printed a VM name that is not UTF-8 (${String(garbled.Name ?? garbled.VMName)}): the host's console code page got in the way`);
  }
  return items.map((item) => ({
    name: String(item.Name ?? item.VMName ?? ''),
    id: guid(item.Id ?? item.VMId),
    state: hypervState(item.State),
    vcpus: Number(item.ProcessorCount ?? 0) || 0,
    memory_mib: Math.round(Number(item.MemoryStartup ?? item.MemoryAssigned ?? 0) / 1048576),
    tags: tagsFromText(typeof item.Notes === 'string' ? item.Notes : ''),
    autostart: autostart(item.AutomaticStartAction),
  }));
}

/**
 * Windows PowerShell writes errors as CLIXML on stderr when its output is not a console
 * ("#< CLIXML" then <S S="Error">…</S> lines). The plain message, either way.
 */
export function powershellError(stderr: string): string {
  if (stderr.includes('#< CLIXML')) {
    const parts = [...stderr.matchAll(/<S S="Error">([\s\S]*?)<\/S>/g)].map((match) =>
      match[1]!.replace(/_x000D__x000A_/g, '\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
    );
    return parts.join('').split('\n').map((line) => line.trim()).find(Boolean) ?? 'PowerShell failed';
  }
  return stderr.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}
