import { expect, it } from 'vitest';
import { selectVms, startOrder } from '../../src/engine/select.js';
import { VMS } from './harness.js';

const names = (vms: { name: string }[]) => vms.map((vm) => vm.name);

it('selects VMs by state, tag, name glob, list and what this run stopped', () => {
  expect(names(selectVms(VMS, 'running', []))).toEqual(['web01', 'db01', 'cache01']);
  expect(names(selectVms(VMS, 'shut-off', []))).toEqual(['build01']);
  expect(names(selectVms(VMS, 'tag:db', []))).toEqual(['db01']);
  expect(names(selectVms(VMS, 'name:*01', []))).toHaveLength(4);
  expect(names(selectVms(VMS, 'name:c?che*', []))).toEqual(['cache01']);
  expect(names(selectVms(VMS, ['db01', 'ghost'], []))).toEqual(['db01']);
  expect(names(selectVms(VMS, 'stopped-by-this-run', ['cache01', 'web01']))).toEqual(['cache01', 'web01']);
});

it('starts the runbook order first, then autostart VMs, then the rest', () => {
  expect(names(startOrder(VMS, ['build01']))).toEqual(['build01', 'web01', 'cache01', 'db01']);
});

it('never selects a VM the platform manages itself, not even by name', () => {
  const vcls = { ...VMS[0]!, name: 'vCLS-1', system: true as const };
  expect(names(selectVms([...VMS, vcls], 'all', []))).not.toContain('vCLS-1');
  expect(names(selectVms([...VMS, vcls], ['vCLS-1', 'db01'], []))).toEqual(['db01']);
});

it('ranks the platform start order (Proxmox startup order=) after the runbook order, before autostart', () => {
  const ordered = VMS.map((vm) => (vm.name === 'db01' ? { ...vm, startOrder: 2 } : vm.name === 'build01' ? { ...vm, startOrder: 1 } : vm));
  expect(names(startOrder(ordered, ['cache01']))).toEqual(['cache01', 'build01', 'db01', 'web01']);
});
