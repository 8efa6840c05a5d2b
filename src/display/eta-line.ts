// The ETA as both renderers show it: the header's line in the console, a line at each step start in
// line mode. Nothing when the runbook has no history.
import type { RunState } from '../engine/types.js';
import { estimateEnd, etaText } from '../history/eta.js';

export interface EtaLine {
  text: string;
  /** The estimate ends after the window: shown as a warning. */
  late: boolean;
}

export function etaLine(state: RunState, now: number): EtaLine | undefined {
  const eta = estimateEnd(state, now);
  return eta ? { text: etaText(eta), late: eta.late } : undefined;
}
