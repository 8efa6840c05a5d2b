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
  const element = /<(?:[\w-]+:)?tags\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?tags>/.exec(metadata);
  if (element) return xmlText(element[1]).split(/[\s,;]+/).filter(Boolean);
  const description = /<description>([\s\S]*?)<\/description>/.exec(xml)?.[1];
  return tagsFromText(description ? xmlText(description) : undefined);
}
