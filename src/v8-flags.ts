// Imported first by the CLI. V8 optimises a function once it has run for a while; most commands
// live a fraction of a second, and `lint` spent about a quarter of its CPU compiling for the
// optimiser code that had finished before the optimised version was ready. A larger budget
// optimises only what stays hot. A command that keeps a console open gets a smaller one, so its
// frames are optimised within its first seconds; a one-shot command gets a larger one still (lint
// on runbooks/: 218 ms at the console's budget, 201 ms at this one).
import { setFlagsFromString } from 'node:v8';
import { V8_CONSOLE_INTERRUPT_BUDGET, V8_INTERRUPT_BUDGET } from './limits.js';

const CONSOLE_COMMANDS = new Set(['run', 'resume', 'demo', 'watch']);
// The first word that is not a flag. A flag's value before the command (`--set a=b run`) is taken
// for it, and costs only speed.
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));

setFlagsFromString(`--interrupt-budget=${command !== undefined && CONSOLE_COMMANDS.has(command) ? V8_CONSOLE_INTERRUPT_BUDGET : V8_INTERRUPT_BUDGET}`);
export {};
