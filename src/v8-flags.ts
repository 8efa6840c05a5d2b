// Imported first by the CLI. V8 optimises a function once it has run for a while; most commands
// live a fraction of a second, and `lint` spent about a quarter of its CPU compiling for the
// optimiser code that had finished before the optimised version was ready. A larger budget
// optimises only what stays hot, which a long run still does within milliseconds.
import { setFlagsFromString } from 'node:v8';
import { V8_INTERRUPT_BUDGET } from './limits.js';

setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
export {};
