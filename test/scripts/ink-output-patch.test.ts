// The build-time change to Ink's frame drawing must draw exactly what Ink draws, frame after frame
// (the caches it keeps across frames must never show a stale line), and must fail the build, not
// pass quietly, when an Ink release changes the text it replaces.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript
import { patchInk } from '../../scripts/ink-output-patch.js';
import { ROOT } from '../helpers/cli.js';

const INK = join(ROOT, 'node_modules', 'ink', 'build');

interface OutputLike {
  write(x: number, y: number, text: string, options: { transformers: unknown[] }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = new (options: { width: number; height: number }) => OutputLike;

async function outputClasses(): Promise<{ original: OutputClass; patched: OutputClass }> {
  // Beside Ink's own output.js for the time of the import, so its imports resolve the same way.
  const file = join(INK, `output.patchwalk-test-${process.pid}.js`);
  writeFileSync(file, patchInk('output.js', readFileSync(join(INK, 'output.js'), 'utf8')));
  try {
    const original = (await import(pathToFileURL(join(INK, 'output.js')).href)).default as OutputClass;
    const patched = (await import(pathToFileURL(file).href)).default as OutputClass;
    return { original, patched };
  } finally {
    rmSync(file, { force: true });
  }
}

const BOLD = (text: string) => `\u001B[1m${text}\u001B[22m`;
const BLUE = (text: string) => `\u001B[34m${text}\u001B[39m`;

/** Frame n: a clipped root, a table whose rows page and whose states change, wide characters. */
function draw(output: OutputLike, frame: number): void {
  output.clip({ x1: 0, x2: 40, y1: 0, y2: 12 });
  output.write(0, 0, BOLD(`patchwalk · step 2 of 3 · ${frame % 3 === 0 ? 'running' : 'waiting'}`), { transformers: [] });
  for (let row = 0; row < 8; row++) {
    const vm = Math.floor(frame / 2) * 8 + row;
    const state = (vm + frame) % 4 === 0 ? BLUE('shut-off') : 'running ';
    output.write(0, 2 + row, `${BOLD('│')} vm${String(vm).padStart(4, '0')} ${BOLD('│')} ${state} ${BOLD('│')}`, { transformers: [] });
  }
  // Wider than the clip: cut; and a line that starts left of it.
  output.write(30, 10, `output line ${frame} that runs past the right edge`, { transformers: [] });
  output.write(-3, 11, `漢字 wide ${frame % 2 ? 'odd' : 'even'}`, { transformers: [] });
  output.unclip();
}

describe('Ink output patch', () => {
  it('draws every frame exactly as Ink does, through paging, state changes and clipping', async () => {
    const { original, patched } = await outputClasses();
    for (let frame = 0; frame < 12; frame++) {
      const ours = new patched({ width: 40, height: 12 });
      const theirs = new original({ width: 40, height: 12 });
      draw(ours, frame);
      draw(theirs, frame);
      expect(ours.get(), `frame ${frame}`).toEqual(theirs.get());
    }
  });

  it('fails, naming the part, when Ink changes the text it replaces', () => {
    const source = readFileSync(join(INK, 'output.js'), 'utf8');
    expect(() => patchInk('output.js', source.replace('caches = new OutputCaches();', 'caches = makeCaches();'))).toThrow(/one OutputCaches per frame.*review the patch/);
    const renderNode = readFileSync(join(INK, 'render-node-to-output.js'), 'utf8');
    expect(patchInk('render-node-to-output.js', renderNode)).toContain('measureText(text).width');
  });
});
