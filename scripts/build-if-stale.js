// `npm start` and `npm test` build first, but only when something the build reads is newer than
// the last build (dist/.built, touched when `npm run build` succeeds). A full build takes 15 s or
// more, and `npm install` has just made one: starting the demo right after it should not wait.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the build reads: the sources, the compiler and bundler settings, and the dependencies the bundle inlines. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'console-bundle.config.mjs', 'command-bundle.config.mjs', 'scripts/vendor-bundle.js', 'package.json', 'package-lock.json'];

function newestMtime(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function buildIsStale(root = ROOT) {
  let built;
  try {
    built = statSync(join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return true;
  }
  return INPUTS.some((input) => newestMtime(join(root, input)) > built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (buildIsStale()) {
    const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    process.exitCode = result.status ?? 1;
  }
}
