// The reference for event-loop stalls: an idle Node process beside the one measured. Whatever
// the machine's load does to it, it does to patchwalk too, so the bench reports a ratio.
// Usage: node bench/probe.js REPORT.json — measures until SIGTERM, then writes { maxStallMs }.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const report = process.argv[2];
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const keepAlive = setInterval(() => {}, 1000);
process.on('SIGTERM', () => {
  delay.disable();
  clearInterval(keepAlive);
  writeFileSync(report, JSON.stringify({ maxStallMs: delay.max / 1e6, p99StallMs: delay.percentile(99) / 1e6 }));
  process.exit(0);
});
