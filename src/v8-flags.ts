// Imported first by the CLI. V8 optimises a function once it has run for a while; most commands
// live a fraction of a second, and `lint` spent about a quarter of its CPU compiling for the
// optimiser code that had finished before the optimised version was ready. A larger budget
// optimises only what stays hot. A command that keeps a console open gets a smaller one, so its
// frames are optimised within its first seconds; a one-shot command gets a larger one still (lint
// on runbooks/: 218 ms at the console's budget, 201 ms at this one).
//
// A console also turns off allocation-site pretenuring. The console's screen cells come from one
// allocation site for every line: the lines that stay on screen (the step list, the VM grid) survive
// frame after frame, so V8 learns to allocate that site's objects straight into the old generation,
// and then every line of a flood of output goes there too, though it is gone two frames later. At
// 5,000 lines a second that was 2.3 MB a second of old-generation garbage: a major collection every
// 3.5 s, whose 5-7 ms pause, landing on a frame, was the console's longest stall. Without it, a
// collection every 10-15 s and 15% less CPU.
import { setFlagsFromString } from 'node:v8';
import { V8_CONSOLE_INTERRUPT_BUDGET, V8_INTERRUPT_BUDGET } from './limits.js';

const CONSOLE_COMMANDS = new Set(['run', 'resume', 'demo', 'watch']);
// The first word that is not a flag. A flag's value before the command (`--set a=b run`) is taken
// for it, and costs only speed.
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));

const keepsConsole = command !== undefined && CONSOLE_COMMANDS.has(command);
setFlagsFromString(`--interrupt-budget=${keepsConsole ? V8_CONSOLE_INTERRUPT_BUDGET : V8_INTERRUPT_BUDGET}`);
if (keepsConsole) setFlagsFromString('--no-allocation-site-pretenuring');
export {};
