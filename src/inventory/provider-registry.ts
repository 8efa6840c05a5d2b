// Every inventory provider patchwalk knows, by the kind a runbook names. Each provider declares its
// own facts (settings, factory, ssh, shell flavour, reboot defaults) in its own file; this list is
// the one place that collects them.
import type { ProviderDescriptor } from './provider.js';
import { simProvider } from './sim-host.js';
import { libvirtProvider } from './libvirt-provider.js';
import { hypervProvider } from './hyperv-provider.js';
import { esxiProvider } from './esxi-provider.js';
import { proxmoxProvider } from './proxmox-provider.js';

const DESCRIPTORS: readonly ProviderDescriptor[] = [simProvider, libvirtProvider, hypervProvider, esxiProvider, proxmoxProvider];

const BY_KIND = new Map(DESCRIPTORS.map((descriptor) => [descriptor.kind, descriptor]));

export function providerKinds(): string[] {
  return DESCRIPTORS.map((descriptor) => descriptor.kind);
}

/** The provider a runbook names; undefined for a kind no provider declares. */
export function providerDescriptor(kind: string): ProviderDescriptor | undefined {
  return BY_KIND.get(kind);
}
