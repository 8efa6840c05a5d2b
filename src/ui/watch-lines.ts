// What a watching console says where the driver's console asks: who took the run over, and what
// the driver is being asked. Wrapped to the pane, never cut (the resume command must show whole),
// and counted here so the layout knows their height before drawing.
import { printable } from '../display/printable.js';
import { wrapText } from '../display/wrap.js';
import { driverName, type WatchStanding } from '../watch/run-follower.js';

/** The standing as lines, one per fact; with `width`, each fact wrapped to it. */
export function watchLines(standing: WatchStanding, width?: number): string[] {
  const lines: string[] = [];
  const handover = standing.handover;
  if (handover) lines.push(`taken over by ${printable(driverName(handover.to))}${handover.reason ? ` (${printable(handover.reason)})` : ''}`);
  if (standing.waiting && !standing.ended) lines.push(printable(standing.waiting));
  return width === undefined ? lines : lines.flatMap((line) => wrapText(line, width));
}
