// Line mode draws from the same display model: escaped names, the same marks and outcomes.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Vm } from '../../src/engine/types.js';
import { PlainRenderer } from '../../src/plain/plain-renderer.js';
import { makeStyle } from '../../src/plain/style.js';
import { Run, VMS } from '../engine/harness.js';

function renderer(): { plain: PlainRenderer; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { plain: new PlainRenderer(out, makeStyle(false)), text: () => text };
}

const YAML = `runbook: 1
title: Patch
steps:
  - { id: look, title: Look, vms: {} }
  - { id: up, title: Upgrade, run: "apt-get -y dist-upgrade" }
`;

describe('line mode', () => {
  it('prints a VM named with a newline or a screen-clearing code as one escaped row', () => {
    const hostile: Vm[] = [
      { ...VMS[0]!, name: 'web\n01' },
      { ...VMS[1]!, name: 'db\u001B[2J01' },
    ];
    const run = new Run(YAML);
    const { plain, text } = renderer();
    const before = run.state;
    run.inventory(hostile);
    plain.state(run.state, before);
    const lines = text().split('\n');
    expect(lines.filter((line) => line.includes('web\\n01'))).toHaveLength(1);
    expect(lines.some((line) => /^\s+web\\n01\s+running\s+2\s+4 GiB\s+web\s+leave running$/.test(line))).toBe(true);
    expect(text()).toContain('db\\e[2J01');
    expect(text()).not.toContain('\u001B');
  });

  it('shows command output with escape codes escaped and its colour dropped', () => {
    const { plain, text } = renderer();
    plain.output('up', 'stdout', '\u001B[31mred\u001B[0m \u001B[2J\u001B]0;title\u0007');
    plain.output('up', 'stderr', 'bad\rfake');
    expect(text()).toBe('  │ red \\e[2J\\e]0;title\\x07\n  ! bad\\rfake\n');
  });

  it('marks a step outcome the way the console does', () => {
    const run = new Run(`runbook: 1\ntitle: F\nsteps:\n  - { id: up, title: Up, run: "exit 4", on_failure: abort }\n`);
    const { plain, text } = renderer();
    const before = run.state;
    run.tick(2000).exec(4);
    plain.state(run.state, before);
    expect(text()).toContain('  ✗ failed in 2s (exit 4): exit code 4');
  });
});
