// What a step's kind means for the screen, read from the kind registry (src/kinds/registry.ts,
// the one list of kinds): the display side keeps no list of its own.
import { kindNamed } from '../kinds/registry.js';

export interface KindDisplay {
  /** The console shows the VM table (rather than the output) while a step of this kind is current. */
  vmTable: boolean;
  /** Line mode prints every VM's planned action as the step starts, before anything touches one. */
  planAtStart: boolean;
}

export function kindDisplay(kind: string | undefined): KindDisplay {
  const facts = kind === undefined ? undefined : kindNamed(kind)?.facts;
  const vmTable = facts?.showsVmTable ?? false;
  return { vmTable, planAtStart: vmTable };
}
