// `npm run build`, after the console bundle: `patchwalk lint` with every module it loads (the runbook
// loader, the step kinds' schemas, zod, yaml, re2js) in one file, dist/commands/lint.bundle.js.
// Resolving, reading and linking some 70 modules one by one was a third of lint's start; CI lints on
// every push. cli.tsx loads the bundle when it is newer than the last compile, else lint.js itself.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMMANDS = join(dirname(fileURLToPath(import.meta.url)), 'dist', 'commands');

export default {
  input: join(COMMANDS, 'lint.js'),
  platform: 'node',
  logLevel: 'warn',
  output: { file: join(COMMANDS, 'lint.bundle.js'), format: 'esm', codeSplitting: false, minify: true },
};
