// What each step kind means for the screen. This is the one list of step kinds on the display
// side: `Record<StepKind, …>` makes the compiler ask for an entry when a kind is added, and each
// entry can move into its kind's registry module as it is.
import type { StepKind } from '../runbook/schema.js';

export interface KindDisplay {
  /** The console shows the VM table (rather than the output) while a step of this kind is current. */
  vmTable: boolean;
  /** Line mode prints every VM's planned action as the step starts, before anything touches one. */
  planAtStart: boolean;
  /** The step's explanation may take 1/n of the console's body: a note is its whole content. */
  detailShare: 2 | 3;
}

const PLAIN: KindDisplay = { vmTable: false, planAtStart: false, detailShare: 3 };
const VMS: KindDisplay = { vmTable: true, planAtStart: true, detailShare: 3 };

export const KIND_DISPLAY: Record<StepKind, KindDisplay> = {
  note: { ...PLAIN, detailShare: 2 },
  confirm: PLAIN,
  input: PLAIN,
  choice: PLAIN,
  run: PLAIN,
  wait: PLAIN,
  vms: VMS,
  shutdown: VMS,
  // Before a start the VMs are off: the table shows them coming back, the plan was shown already.
  start: { ...VMS, planAtStart: false },
  migrate: VMS,
  reboot: PLAIN,
};

export function kindDisplay(kind: StepKind | undefined): KindDisplay {
  return (kind && KIND_DISPLAY[kind]) || PLAIN;
}
