import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/detached.js';
import { commandText, renderCommand, renderText, shellQuote, templateRefs, TemplateError } from '../../src/runbook/template.js';

const dir = mkdtempSync(join(tmpdir(), 'patchwalk-template-'));
const pwned = join(dir, 'pwned');
const hostile = `x;$(touch ${pwned})\`touch ${pwned}\`'"; touch ${pwned}`;
const values: Record<string, string> = { name: hostile, host: 'kvm01' };
const resolve = (path: string[]) => values[path.join('.')];

async function output(command: ReturnType<typeof renderCommand>): Promise<string[]> {
  const lines: string[] = [];
  const result = await run({ command, onLine: (_stream: string, line: string) => lines.push(line) });
  expect(result.exitCode).toBe(0);
  return lines;
}

describe('templates', () => {
  it('finds references and their offsets', () => {
    expect(templateRefs('a {{ host }} b {{vm.name}} {{ bad name }}')).toEqual([
      { raw: 'host', path: ['host'], offset: 2 },
      { raw: 'vm.name', path: ['vm', 'name'], offset: 15 },
      { raw: 'bad name', path: [], offset: 27 },
    ]);
  });

  it('shell-quotes only what needs it', () => {
    expect(shellQuote('kvm01.example.com')).toBe('kvm01.example.com');
    expect(shellQuote("o'brien")).toBe(`'o'\\''brien'`);
    expect(shellQuote('')).toBe("''");
  });

  it('a hostile value in a string command is printed, never executed', async () => {
    const command = renderCommand('echo {{ name }} on {{ host }}', resolve);
    expect(await output(command)).toEqual([`${hostile} on kvm01`]);
    expect(existsSync(pwned)).toBe(false);
  });

  it('a hostile value in an argv list stays one argument', async () => {
    const command = renderCommand(['printf', '%s|', '{{ name }}', 'vm-{{ host }}'], resolve);
    expect(command).toEqual({ argv: ['printf', '%s|', hostile, 'vm-kvm01'] });
    expect(await output(command)).toEqual([`${hostile}|vm-kvm01|`]);
    expect(existsSync(pwned)).toBe(false);
  });

  it('shows a command as it will run', () => {
    expect(commandText(renderCommand(['virsh', 'shutdown', '{{ name }}'], () => 'web 01'))).toBe("virsh shutdown 'web 01'");
  });

  it('an undefined variable is an error, not an empty string', () => {
    expect(() => renderText('{{ nope }}', resolve)).toThrow(new TemplateError('nope'));
  });
});

describe('names that are Object.prototype properties', () => {
  // A lookup over a plain object finds Object.prototype's members; what comes back is not data.
  const plain = (path: string[]) => ({ host: 'kvm01' } as Record<string, unknown>)[path[0] ?? ''];

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('{{ %s }} is undefined, never a function\'s source', (name) => {
    expect(() => renderText(`x {{ ${name} }}`, plain)).toThrow(new TemplateError(name));
    expect(() => renderCommand(`echo {{ ${name} }}`, plain)).toThrow(TemplateError);
  });

  it('data still renders', () => {
    expect(renderText('{{ host }}', plain)).toBe('kvm01');
    expect(renderText('[{{ list }}] {{ none }}', (path) => (path[0] === 'list' ? ['a', 'b'] : null))).toBe('[a,b] ');
  });
});
