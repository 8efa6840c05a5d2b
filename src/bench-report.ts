// For `npm run bench`: with PATCHWALK_BENCH_REPORT set, the process measures its own event-loop
// stalls and resource use and writes them to that file when it exits. Off otherwise.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const target = process.env.PATCHWALK_BENCH_REPORT;
const delay = target ? monitorEventLoopDelay({ resolution: 10 }) : undefined;

/**
 * With PATCHWALK_BENCH_TRACE as well, the report lists what to look at when the stall is too long:
 * each block of the event loop over 8 ms (`block`, with when it ended, in ms after steady state, and
 * the histogram's max so far) and each garbage collection over 4 ms (`gc`, with V8's kind: 1 minor,
 * 4 major, 8 incremental).
 */
interface TraceEntry {
  at: number;
  ms: number;
  what: 'block' | 'gc';
  detail: number;
}
const trace = target && process.env.PATCHWALK_BENCH_TRACE ? { since: 0, entries: [] as TraceEntry[] } : undefined;
if (trace) {
  const TICK_MS = 4;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last - TICK_MS > 8) trace.entries.push({ at: Math.round(now - trace.since), ms: Math.round(now - last - TICK_MS), what: 'block', detail: Math.round((delay?.max ?? 0) / 1e6) });
    last = now;
  }, TICK_MS).unref();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (entry.duration > 4) trace.entries.push({ at: Math.round(entry.startTime + entry.duration - trace.since), ms: Math.round(entry.duration), what: 'gc', detail: kind });
    }
  }).observe({ entryTypes: ['gc'] });
}

/** Start-up (loading Ink takes most of a second) is not a stall a key would wait through. */
export function benchSteadyState(): void {
  delay?.reset();
  if (trace) {
    trace.since = performance.now();
    trace.entries = [];
  }
}

/** The stall figures as they stood when steady state ended; until then, read live at exit. */
let ended: { maxStallMs: number; p99StallMs: number } | undefined;

/**
 * The bench's probe on a console: steady state begins at the first frame drawn once `ready()` holds,
 * so the frame that first lays out the inventory (planning every VM) counts as start-up wherever
 * the event loop's timers fall. Watching the store instead began it before that frame: the stall
 * then read 30 ms or 15 ms depending on whether a timer ran between the two. It ends at the first
 * frame drawn once `over()` holds (the run has ended): the summary that replaces the live screen is
 * drawn once, when nothing runs and no key waits on the run, and that frame is not counted either.
 * Returns what Ink calls after each frame, or undefined when no bench asked for a report, so the
 * console has no bench code.
 */
export function steadyStateAfterFrame(ready: () => boolean, over: () => boolean): (() => void) | undefined {
  if (!delay) return undefined;
  let begun = false;
  return () => {
    if (!begun) {
      if (!ready()) return;
      begun = true;
      benchSteadyState();
    } else if (!ended && over()) {
      // Called right after the frame is drawn, before the histogram's next tick sees its block.
      ended = { maxStallMs: delay.max / 1e6, p99StallMs: delay.percentile(99) / 1e6 };
    }
  };
}

if (target && delay) {
  delay.enable();
  const peak = { heapMb: 0, externalMb: 0, arrayBuffersMb: 0, rssMb: 0 };
  const sample = setInterval(() => {
    const memory = process.memoryUsage();
    peak.heapMb = Math.max(peak.heapMb, memory.heapTotal / 1048576);
    peak.externalMb = Math.max(peak.externalMb, memory.external / 1048576);
    peak.arrayBuffersMb = Math.max(peak.arrayBuffersMb, memory.arrayBuffers / 1048576);
    peak.rssMb = Math.max(peak.rssMb, memory.rss / 1048576);
  }, 250);
  sample.unref();
  process.on('exit', () => {
    delay.disable();
    const usage = process.resourceUsage();
    const report = {
      ...(ended ?? { maxStallMs: delay.max / 1e6, p99StallMs: delay.percentile(99) / 1e6 }),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      peakRssMb: usage.maxRSS / 1024,
      peak,
      ...(trace ? { trace: trace.entries } : {}),
    };
    writeFileSync(target, JSON.stringify(report));
  });
}
export {};
