// `npm start` builds only when the sources are newer than the last build.
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript script, run by npm before the build exists
import { buildIsStale } from '../../scripts/build-if-stale.js';
import { tempDir } from '../helpers/cli.js';

function project(): { root: string; touch(path: string, secondsAgo: number): void } {
  const root = tempDir('patchwalk-build-');
  mkdirSync(join(root, 'src', 'ui'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  const touch = (path: string, secondsAgo: number) => {
    const file = join(root, path);
    writeFileSync(file, '');
    const when = Date.now() / 1000 - secondsAgo;
    utimesSync(file, when, when);
  };
  for (const path of ['src/cli.tsx', 'src/ui/App.tsx', 'package.json', 'package-lock.json', 'tsconfig.json']) touch(path, 100);
  // Folders count too (a deleted source), so age them like the files.
  for (const dir of ['src/ui', 'src']) utimesSync(join(root, dir), Date.now() / 1000 - 100, Date.now() / 1000 - 100);
  return { root, touch };
}

describe('build-if-stale', () => {
  it('builds when there has been no build', () => {
    expect(buildIsStale(project().root)).toBe(true);
  });

  it('does not build again right after a build (npm install, then npm start)', () => {
    const { root, touch } = project();
    touch('dist/.built', 10);
    expect(buildIsStale(root)).toBe(false);
  });

  it('builds when a source, the settings or the dependencies changed since', () => {
    for (const changed of ['src/ui/App.tsx', 'tsconfig.json', 'package-lock.json']) {
      const { root, touch } = project();
      touch('dist/.built', 10);
      touch(changed, 1);
      expect(buildIsStale(root), changed).toBe(true);
    }
  });

  it('npm start and npm test build through it; npm install and npm run build make the stamp', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(scripts.prestart).toBe('node scripts/build-if-stale.js');
    expect(scripts.pretest).toBe('node scripts/build-if-stale.js');
    expect(scripts.prepare).toBe('npm run build --silent');
    expect(scripts.build).toMatch(/--incremental .*touch dist\/\.built$/);
  });
});
