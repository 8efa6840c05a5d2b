// For `npm run bench`: with PATCHWALK_BENCH_REPORT set, the process measures its own event-loop
// stalls and resource use and writes them to that file when it exits. Off otherwise.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const target = process.env.PATCHWALK_BENCH_REPORT;
const delay = target ? monitorEventLoopDelay({ resolution: 10 }) : undefined;

/** Start-up (loading Ink takes most of a second) is not a stall a key would wait through. */
export function benchSteadyState(): void {
  delay?.reset();
}

/**
 * The bench's probe on a console: steady state begins when `ready()` first holds after a change.
 * Nothing is subscribed unless the bench asked for a report, so the console itself has no bench code.
 */
export function watchSteadyState(subscribe: (listener: () => void) => () => void, ready: () => boolean): void {
  if (!delay) return;
  const unsubscribe = subscribe(() => {
    if (!ready()) return;
    benchSteadyState();
    unsubscribe();
  });
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
      maxStallMs: delay.max / 1e6,
      p99StallMs: delay.percentile(99) / 1e6,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      peakRssMb: usage.maxRSS / 1024,
      peak,
    };
    writeFileSync(target, JSON.stringify(report));
  });
}
export {};
