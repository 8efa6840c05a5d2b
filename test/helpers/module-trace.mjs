// `node --import ./test/helpers/module-trace.mjs …`: records which modules a process loads.
import { register } from 'node:module';

register(new URL('./module-trace-hooks.mjs', import.meta.url));
