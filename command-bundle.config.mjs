// `npm run build`, after the console bundle: `patchwalk lint` with every module it loads (the runbook
// loader, the step kinds' schemas, zod, yaml, re2js) in one file, dist/commands/lint.bundle.js.
// Resolving, reading and linking some 70 modules one by one was a third of lint's start; CI lints on
// every push. cli.tsx loads the bundle when it is newer than the last compile, else lint.js itself.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const COMMANDS = join(DIST, 'commands');

/**
 * Modules cli.js has loaded already stay imports: its `instanceof UsageError` (exit 2) and the
 * other error classes it tells apart must be the classes lint throws, not copies in the bundle.
 */
const SHARED = new Set(['exit-codes.js', 'journal/state-io.js', 'limits.js'].map((path) => join(DIST, path)));

const keepShared = {
  name: 'keep-cli-modules',
  resolveId(source, importer) {
    if (!source.startsWith('.') || !importer) return null;
    const target = resolve(dirname(importer), source);
    if (!SHARED.has(target)) return null;
    const fromCommands = relative(COMMANDS, target);
    return { id: fromCommands.startsWith('.') ? fromCommands : `./${fromCommands}`, external: true };
  },
};

export default {
  input: join(COMMANDS, 'lint.js'),
  platform: 'node',
  logLevel: 'warn',
  plugins: [keepShared],
  output: { file: join(COMMANDS, 'lint.bundle.js'), format: 'esm', codeSplitting: false, minify: true },
};
