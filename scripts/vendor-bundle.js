// `npm run build`, after tsc: zod and yaml, which every runbook load needs, each bundled into one
// file under dist/vendor/, and the compiled modules pointed at them. Node loads zod as 95 separate
// modules and yaml as ~70: resolving and compiling them one by one was a fifth of `patchwalk lint`.
// The sources still import 'zod' and 'yaml' (tests and the type checker use the packages as they
// are); only dist/ is rewritten, and the rewrite is the same however often it runs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const VENDOR = join(DIST, 'vendor');
/** Package → the module bundled for it. yaml's Node entry is CommonJS, whose names a bundle cannot re-export; its ES build is the same code. */
const PACKAGES = { zod: 'zod', yaml: join(ROOT, 'node_modules', 'yaml', 'browser', 'dist', 'index.js') };
/**
 * zod's messages in English only. Its 60 other languages are 270 KB of the bundle's 620 that every
 * `lint` compiled; patchwalk writes its own messages and never switches zod's language.
 */
const ENGLISH_ONLY = {
  name: 'zod-english-only',
  load: (id) => (/[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/.test(id) ? `export { default as en } from './en.js';` : null),
};

for (const [name, entry] of Object.entries(PACKAGES)) {
  await build({
    input: `virtual:${name}`,
    platform: 'node',
    logLevel: 'warn',
    plugins: [
      {
        name: 'vendor-entry',
        resolveId: (id) => (id === `virtual:${name}` ? id : null),
        load: (id) => (id === `virtual:${name}` ? `export * from ${JSON.stringify(entry)};` : null),
      },
      ...(name === 'zod' ? [ENGLISH_ONLY] : []),
    ],
    output: { file: join(VENDOR, `${name}.js`), format: 'esm' },
    write: true,
    cwd: ROOT,
  });
}

function compiled(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === VENDOR ? [] : compiled(path);
    return entry.name.endsWith('.js') && !entry.name.startsWith('run-console.bundle') ? [path] : [];
  });
}

const BARE = new RegExp(`(from |import\\()'(${Object.keys(PACKAGES).join('|')})'`, 'g');
for (const file of compiled(DIST)) {
  const text = readFileSync(file, 'utf8');
  const linked = text.replace(BARE, (_match, lead, name) => {
    const target = relative(dirname(file), join(VENDOR, `${name}.js`));
    return `${lead}'${target.startsWith('.') ? target : `./${target}`}'`;
  });
  if (linked !== text) writeFileSync(file, linked);
}
