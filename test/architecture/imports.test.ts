// The shape of the code that keeps a step kind in one place: the engine has no import cycle, and
// handlers are typed per kind (no casts to a kind's step type).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Runtime imports only: `import type` is erased and cannot make a cycle at run time. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)';/gms)) {
    const target = resolve(dirname(file), match[1]!.replace(/\.js$/, ''));
    for (const ext of ['.ts', '.tsx']) {
      try {
        if (statSync(target + ext).isFile()) found.push(target + ext);
      } catch {
        // Not this extension.
      }
    }
  }
  return found;
}

function cycleThrough(files: string[]): string[] | undefined {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? importsOf(file)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

it('the engine and the step kinds import nothing that imports them back', () => {
  const files = [...sources(join(SRC, 'engine')), ...sources(join(SRC, 'kinds'))];
  const cycle = cycleThrough(files);
  expect(cycle?.map((file) => relative(SRC, file))).toBeUndefined();
});

it('no code casts a step to one kind: each kind narrows its own steps', () => {
  const casts = sources(SRC).filter((file) => /as StepOf</.test(readFileSync(file, 'utf8')));
  expect(casts.map((file) => relative(SRC, file))).toEqual([]);
});

it('no file outside src/kinds asks whether a step is of a named kind', () => {
  const kinds = 'note|confirm|input|choice|run|wait|vms|snapshot|shutdown|start|migrate|reboot|revert';
  const asks = new RegExp(`'(${kinds})' in \\w|\\.kind === '(${kinds})'`);
  const offenders = sources(SRC)
    .filter((file) => !relative(SRC, file).startsWith('kinds/'))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, index }))
        // A prompt's kind (input, choice, confirm) is not a step kind.
        .filter(({ line }) => asks.test(line) && !/prompt\??\.kind === /.test(line))
        .map(({ index }) => `${relative(SRC, file)}:${index + 1}`),
    );
  expect(offenders).toEqual([]);
});
