import { describe, expect, it } from 'vitest';
import { promptLine, promptText, summariseLists } from '../../src/display/prompt-text.js';

describe('prompt text', () => {
  it('gives each prompt kind its hint of valid answers; a secret and a typed host name show no default', () => {
    expect(promptText({ kind: 'confirm', question: 'Go on?', destructive: false }).hint).toBe('[y/n]');
    expect(promptText({ kind: 'input', question: 'Host', default: 'kvm01' }).hint).toBe('[kvm01]');
    expect(promptText({ kind: 'input', question: 'Token', default: 's3c', secret: true }).hint).toBe('');
    expect(promptText({ kind: 'type-to-confirm', question: 'Type the host name', expected: 'kvm01' }).hint).toBe('(type kvm01)');
    expect(promptText({ kind: 'choice', question: 'What now?', options: [], default: 'wait' }).hint).toBe('[wait]');
    expect(promptLine({ kind: 'confirm', question: 'Go on?', destructive: true })).toBe('Go on? [y/n]');
  });

  it('summarises a long VM list with a count, keeping the rest of the question whole', () => {
    const names = Array.from({ length: 20 }, (_, index) => `vm${String(index).padStart(2, '0')}`);
    const question = `Reboot kvm01 now? 20 VM(s) still running will go down hard: ${names.join(', ')}.`;
    expect(promptText({ kind: 'confirm', question, destructive: true }).question).toBe(
      'Reboot kvm01 now? 20 VM(s) still running will go down hard: vm00, vm01, vm02, vm03, vm04, vm05, vm06, vm07 and 12 more.',
    );
    expect(summariseLists('down hard: a, b, c.')).toBe('down hard: a, b, c.');
  });

  it('makes the question printable', () => {
    expect(promptText({ kind: 'confirm', question: 'Stop web\n01?', destructive: true }).question).toBe('Stop web\\n01?');
  });
});
