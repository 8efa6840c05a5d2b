// What a watching console says where the driver's console asks: who took the run over, and what
// the driver is being asked. One line each, so the layout knows their height before drawing.
import { printable } from '../display/printable.js';
import { driverName, type WatchStanding } from '../watch/run-follower.js';

export function watchLines(standing: WatchStanding): string[] {
  const lines: string[] = [];
  const handover = standing.handover;
  if (handover) lines.push(`taken over by ${printable(driverName(handover.to))}${handover.reason ? ` (${printable(handover.reason)})` : ''}`);
  if (standing.waiting && !standing.ended) lines.push(printable(standing.waiting));
  return lines;
}
