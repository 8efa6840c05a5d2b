// Pure parsers for virsh output (run with LC_ALL=C).
import type { VmState } from '../engine/types.js';
import { tagsFromText } from './provider-exec.js';

/** `virsh domstate` and the State line of `virsh dominfo`. */
export function libvirtState(text: string): VmState {
  switch (text.trim().replace(/\s*\(.*\)$/, '')) {
    case 'running':
    case 'idle':
    case 'blocked':
      return 'running';
    case 'paused':
    case 'pmsuspended':
      return 'paused';
    case 'in shutdown':
      return 'shutting-down';
    case 'shut off':
    case 'crashed':
      return 'shut-off';
    default:
      return 'unknown';
  }
}

/** `virsh list --all --name`: one name per line, a blank line at the end. */
export function parseNameList(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Domain {
  uuid: string;
  name: string;
}

/** `virsh list --all --uuid --name`: "UUID NAME" a line (a name may hold spaces). */
export function parseUuidNameList(text: string): Domain[] {
  const domains: Domain[] = [];
  for (const line of text.split('\n')) {
    const [, uuid, name] = /^([0-9a-fA-F-]{36}) (.*)$/.exec(line) ?? [];
    if (uuid !== undefined && name !== undefined && UUID_PATTERN.test(uuid)) domains.push({ uuid: uuid.toLowerCase(), name });
  }
  return domains;
}

/** `virsh list --uuid` (with filters such as --autostart): one UUID a line. */
export function parseUuidList(text: string): Set<string> {
  return new Set(text.split('\n').map((line) => line.trim().toLowerCase()).filter((line) => UUID_PATTERN.test(line)));
}

/**
 * `virsh domstats`: a "Domain: 'NAME'" line, then "  key=value" lines, per domain. Names cannot
 * hold a newline, so the quotes are the first and last characters after "Domain: ".
 */
export function parseDomStats(text: string): Map<string, Map<string, string>> {
  const domains = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    const name = /^Domain: '(.*)'$/.exec(line)?.[1];
    if (name !== undefined) {
      current = new Map();
      domains.set(name, current);
      continue;
    }
    const [, key, value] = /^\s+([\w.]+)=(.*)$/.exec(line) ?? [];
    if (key !== undefined && value !== undefined && current) current.set(key, value);
  }
  return domains;
}

/** virDomainState, as `domstats --state` prints it in state.state. */
const DOMAIN_STATES: Record<string, VmState> = {
  '0': 'unknown',
  '1': 'running',
  '2': 'running',
  '3': 'paused',
  '4': 'shutting-down',
  '5': 'shut-off',
  '6': 'shut-off',
  '7': 'paused',
};

export function domStatsState(stats: Map<string, string> | undefined): VmState {
  return DOMAIN_STATES[stats?.get('state.state') ?? ''] ?? 'unknown';
}

/** vCPUs and memory from `domstats --vcpu --balloon`; undefined where the driver leaves them out. */
export function domStatsSize(stats: Map<string, string> | undefined): { vcpus: number; memoryMib: number } | undefined {
  const vcpus = Number(stats?.get('vcpu.current') ?? stats?.get('vcpu.maximum'));
  const kib = Number(stats?.get('balloon.maximum'));
  if (!Number.isFinite(vcpus) || vcpus <= 0 || !Number.isFinite(kib) || kib <= 0) return undefined;
  return { vcpus, memoryMib: Math.round(kib / 1024) };
}

/**
 * The sections of a batched virsh call (`echo MARK UUID; dominfo --domain UUID; …`), by UUID. The
 * mark carries a fresh random word, so no domain's own text can fake a section.
 */
export function splitMarked(text: string, mark: string): Map<string, string> {
  const sections = new Map<string, string>();
  let uuid: string | undefined;
  let lines: string[] = [];
  const close = () => {
    if (uuid !== undefined) sections.set(uuid, lines.join('\n'));
  };
  for (const line of text.split('\n')) {
    if (line.startsWith(`${mark} `)) {
      close();
      uuid = line.slice(mark.length + 1).trim();
      lines = [];
    } else if (uuid !== undefined) {
      lines.push(line);
    }
  }
  close();
  return sections;
}

export interface DomInfo {
  uuid: string;
  state: VmState;
  vcpus: number;
  memoryMib: number;
  autostart: boolean;
}

/** `virsh dominfo NAME`: "Key:   value" lines. */
export function parseDomInfo(text: string): DomInfo {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const kib = Number((fields.get('Max memory') ?? '0').replace(/\s*KiB$/, ''));
  return {
    uuid: fields.get('UUID') ?? '',
    state: libvirtState(fields.get('State') ?? ''),
    vcpus: Number(fields.get('CPU(s)') ?? 0) || 0,
    memoryMib: Math.round(kib / 1024),
    autostart: fields.get('Autostart') === 'enable',
  };
}

function xmlText(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Tags from `virsh dumpxml NAME`: a `<patchwalk:tags>` element (any prefix) in `<metadata>`,
 * words split on spaces or commas; otherwise a "tags:" line in `<description>`.
 */
export function tagsFromDomainXml(xml: string): string[] {
  const metadata = /<metadata>([\s\S]*?)<\/metadata>/.exec(xml)?.[1] ?? '';
  const element = /<(?:[\w-]+:)?tags\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?tags>/.exec(metadata)?.[1];
  if (element !== undefined) return xmlText(element).split(/[\s,;]+/).filter(Boolean);
  const description = /<description>([\s\S]*?)<\/description>/.exec(xml)?.[1];
  return tagsFromText(description ? xmlText(description) : undefined);
}
