// Replays a provider recording (`patchwalk vms FILE --record DIR`) through the provider's own code.
import { providerDescriptor } from '../../src/inventory/provider-registry.js';
import { replayRunner, type Recording } from '../../src/inventory/output-recording.js';
import type { Vm } from '../../src/engine/types.js';

export async function replayList(recording: Recording): Promise<Vm[]> {
  const { provider, inventory, destination } = recording.source;
  const descriptor = providerDescriptor(provider);
  if (!descriptor) throw new Error(`the recording names an unknown provider: ${provider}`);
  const created = descriptor.create({ inventory, uri: inventory.uri, node: inventory.node, destination, run: replayRunner(recording.calls) });
  // Through JSON, as the recording stored them: optional fields left undefined are not kept.
  return JSON.parse(JSON.stringify(await created.list())) as Vm[];
}
