// `npm run bench:regex`: runbook patterns run in time linear in the text. Times hostile patterns on
// inputs ten times apart and fails if any tenfold step costs far more than tenfold.
import { REGEX_MAX_PROGRAM } from '../dist/limits.js';
import { matchesAnywhere, matchesWhole } from '../dist/runbook/safe-regex.js';

const SIZES = [10_000, 100_000, 1_000_000];
/** Tenfold text may cost at most this much more: linear with room for a busy machine and JIT warm-up. */
const MAX_GROWTH = 30;

function time(run) {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

let abText = '';
let seed = 12345;
for (let i = 0; i < SIZES.at(-1); i++) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  abText += (seed >> 16) & 1 ? 'a' : 'b';
}
// The costliest shape found under the program cap: the lazy DFA gives up and the NFA runs.
const repeat = Math.floor((REGEX_MAX_PROGRAM - 8) / 3);
const cases = [
  { label: 'when: c matches "^(a+)+$"', run: (n) => matchesAnywhere('^(a+)+$', `${'a'.repeat(n)}!`) },
  { label: 'pattern: "(a+)+" (whole value)', run: (n) => matchesWhole('(a+)+', `${'a'.repeat(n)}!`) },
  { label: `"(a|b)*a(a|b){${repeat}}z" (near the cap)`, run: (n) => matchesWhole(`(a|b)*a(a|b){${repeat}}z`, abText.slice(0, n)) },
];

let failed = false;
console.log(`${'pattern'.padEnd(44)}${SIZES.map((n) => `${n.toLocaleString('en')} ch`.padStart(14)).join('')}`);
for (const { label, run } of cases) {
  run(1000); // compile and warm up
  const times = SIZES.map((n) => time(() => run(n)));
  console.log(`${label.padEnd(44)}${times.map((ms) => `${ms.toFixed(1)} ms`.padStart(14)).join('')}`);
  for (let i = 1; i < times.length; i++) {
    if (times[i] > Math.max(times[i - 1], 1) * MAX_GROWTH) {
      console.log(`  FAIL: ${SIZES[i]} characters took ${(times[i] / times[i - 1]).toFixed(0)}x the time of ${SIZES[i - 1]}`);
      failed = true;
    }
  }
}
// `(a+)+` on 52 characters, the issue's case, is instant here and hangs JavaScript's RegExp.
const answer = time(() => matchesWhole('(a+)+', `${'a'.repeat(51)}!`));
console.log(`pattern "(a+)+" against a 52-character answer: ${answer.toFixed(2)} ms`);
process.exitCode = failed ? 1 : 0;
