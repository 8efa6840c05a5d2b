// `npm run build`, after tsc: the console's libraries (Ink, React, @inkjs/ui, ink-table and what
// they pull in, such as the 415 modules of es-toolkit/compat Ink loads for one `throttle`) bundled
// into dist/ui/run-console.bundle.js. Loading ~800 small modules one by one was most of the demo's
// 1.7 s to its first frame. patchwalk's own modules outside src/ui stay separate files, imported
// from the bundle: the engine, the journal and their classes exist once, whoever imports them.
// session.ts loads the bundle, and falls back to dist/ui/run-console.js when it is missing.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkOutputPatch } from './scripts/ink-output-patch.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const UI = join(DIST, 'ui');

/** Relative imports of patchwalk modules outside dist/ui stay imports, re-pointed from dist/ui. */
const keepOwnModules = {
  name: 'keep-patchwalk-modules',
  resolveId(source, importer) {
    if (!source.startsWith('.') || !importer) return null;
    const target = resolve(dirname(importer), source);
    if (!target.startsWith(`${DIST}/`) || target.startsWith(`${UI}/`)) return null;
    const fromUi = relative(UI, target);
    return { id: fromUi.startsWith('.') ? fromUi : `./${fromUi}`, external: true };
  },
};

export default {
  input: join(UI, 'run-console.js'),
  platform: 'node',
  // Ink loads it only for React DevTools (DEV=true), which patchwalk does not install.
  external: ['react-devtools-core'],
  plugins: [keepOwnModules, inkOutputPatch],
  // React's production build: without it React renders in development mode, which tracks component
  // stacks and writes a performance mark per component render, and made each frame twice as slow.
  transform: { define: { 'process.env.NODE_ENV': '"production"' } },
  logLevel: 'warn',
  output: {
    dir: UI,
    format: 'esm',
    entryFileNames: 'run-console.bundle.js',
    // No hash: each build overwrites the last one's chunks instead of piling up new ones.
    chunkFileNames: 'run-console.bundle-[name].js',
  },
};
