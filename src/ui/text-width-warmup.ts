// string-width decides a cluster's width with /^\p{RGI_Emoji}$/v and a few other large Unicode
// regexes, which V8 compiles on first use and compiles again to machine code on the second: about
// 18 ms on this machine, in one block. Left alone, that happens whenever the console first draws a
// character outside the narrow fast path (an emoji or a CJK character in a command's output), which
// may be in the middle of a shutdown of 5,000 VMs with keys waiting. Done once after the first
// frame instead, while the operator is still reading it.
import stringWidth from 'string-width';

/** Samples that take each slow path: emoji, a ZWJ sequence, wide CJK, Hangul jamo, a combining mark. */
const SLOW_PATH_SAMPLES = ['👍', '👩‍💻', '漢字', '가', 'é'];

export function warmTextWidth(): void {
  // Twice: the first run is interpreted, the second compiles the regexes to machine code.
  for (let pass = 0; pass < 2; pass++) for (const sample of SLOW_PATH_SAMPLES) stringWidth(`${sample}${pass}`);
}
