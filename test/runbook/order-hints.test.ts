// Advice lint gives about the order of steps: printed as hints, never failing the runbook.
import { expect, it } from 'vitest';
import { loadRunbookText } from '../../src/runbook/load.js';

const HEAD = `runbook: 1
title: T
patch: { host_reboot: required, vm_shutdown: required, guest_components: after }
inventory:
  provider: sim
  vms:
    - { name: web01, tags: [web] }
    - { name: db01, tags: [db] }
`;

it('a note right before a step that changes the world gets a hint suggesting confirm:', () => {
  const result = loadRunbookText('t.yaml', `${HEAD}steps:\n  - { id: snap, title: S, note: Take a storage snapshot first. }\n  - { id: stop, title: Stop, shutdown: {} }\n  - { id: boot, title: B, reboot: {} }\n`);
  expect(result.runbook).toBeDefined();
  expect(result.hints?.map((hint) => `${hint.field}: ${hint.message}`)).toEqual([
    'steps.snap.note: a note before shutdown is read and passed; if the operator must decide something first, use confirm: instead',
  ]);
});

it('with vm_shutdown required, a reboot that would find VMs running gets a hint naming them', () => {
  const result = loadRunbookText('t.yaml', `${HEAD}steps:\n  - { id: stop, title: Stop, shutdown: { select: "tag:web" } }\n  - { id: boot, title: B, reboot: {} }\n`);
  expect(result.runbook).toBeDefined();
  expect(result.hints?.map((hint) => hint.message)).toEqual(['patch.vm_shutdown is required, but db01 would still be running at this reboot and go down hard']);
});
