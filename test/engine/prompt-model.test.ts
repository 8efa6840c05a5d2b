// The prompt model both renderers read: every prompt kind against the answers an operator gives at
// 2am. An empty answer never declines or confirms a destructive or declining prompt.
import { describe, expect, it } from 'vitest';
import { interpretLine, quitQuestion, rulesFor } from '../../src/engine/prompt-model.js';
import type { Prompt } from '../../src/engine/types.js';

const PROMPTS: Record<string, Prompt> = {
  continue: { kind: 'continue', question: 'Press Enter to continue' },
  confirm: { kind: 'confirm', question: 'Snapshots taken?', destructive: false },
  reboot: { kind: 'type-to-confirm', question: 'This reboots kvm01. Type the host name to confirm', expected: 'kvm01' },
  input: { kind: 'input', question: 'Change ticket', default: 'CHG-1' },
  choice: { kind: 'choice', question: 'Which mirror?', options: [{ value: 'eu', label: 'eu' }, { value: 'us', label: 'us' }], default: 'eu' },
  'force-off': {
    kind: 'choice',
    question: 'cache01 did not shut down within 5m. What now?',
    options: [{ value: 'force', label: 'Force' }, { value: 'wait', label: 'Wait' }, { value: 'skip', label: 'Leave it' }],
    destructive: true,
    yesAnswer: 'force',
  },
  'go/no-go': { kind: 'go-no-go', question: 'Go or no-go for step reboot?', figures: 'reboot took a median of 6m in 5 runs; 4m of the window left' },
  'shutdown set': { kind: 'select-vms', question: 'Shut down: 3 VM(s)', options: ['web01', 'db01', 'cache01'], selected: ['web01', 'db01', 'cache01'], destructive: false },
};

// [prompt, typed line, expected reply kind, expected value]
const TABLE: [string, string, 'answer' | 'again' | 'quit', unknown?][] = [
  ['continue', '', 'answer', true],
  ['continue', 'q', 'quit'],
  ['confirm', '', 'again'],
  ['confirm', 'y', 'answer', true],
  ['confirm', 'No', 'answer', false],
  ['confirm', 'maybe', 'again'],
  ['confirm', 'q', 'quit'],
  ['reboot', '', 'again'],
  ['reboot', 'kvm01', 'answer', 'kvm01'],
  ['reboot', 'n', 'again'],
  ['reboot', 'kvm02', 'again'],
  ['reboot', 'q', 'quit'],
  ['input', '', 'answer', 'CHG-1'],
  ['input', 'CHG-7', 'answer', 'CHG-7'],
  ['input', 'q', 'answer', 'q'],
  ['choice', '', 'answer', 'eu'],
  ['choice', '2', 'answer', 'us'],
  ['choice', 'US', 'answer', 'us'],
  ['choice', 'asia', 'again'],
  ['choice', 'q', 'quit'],
  ['force-off', '', 'again'],
  ['force-off', '1', 'answer', 'force'],
  ['force-off', 'garbage', 'again'],
  ['force-off', 'q', 'quit'],
  ['shutdown set', '', 'again'],
  ['shutdown set', 'y', 'answer', ['web01', 'db01', 'cache01']],
  ['shutdown set', 'n', 'answer', false],
  ['shutdown set', 'web01, db01', 'answer', ['web01', 'db01']],
  ['shutdown set', 'web01 ghost', 'again'],
  ['shutdown set', 'q', 'quit'],
  ['go/no-go', '', 'again'],
  ['go/no-go', 'go', 'answer', 'go'],
  ['go/no-go', 'G', 'answer', 'go'],
  ['go/no-go', 'no-go', 'answer', 'no-go'],
  ['go/no-go', 'n', 'answer', 'no-go'],
  ['go/no-go', 'y', 'again'],
  ['go/no-go', 'q', 'quit'],
];

describe('interpretLine', () => {
  it.each(TABLE)('%s: %j is %s', (name, line, kind, value) => {
    const reply = interpretLine(PROMPTS[name]!, line);
    expect(reply.kind).toBe(kind);
    if (reply.kind === 'answer') expect(reply.value).toEqual(value);
    if (reply.kind === 'again') expect(reply.message).not.toBe('');
  });

  it('no destructive or declining prompt takes an empty answer', () => {
    for (const name of ['confirm', 'reboot', 'force-off', 'shutdown set']) expect(rulesFor(PROMPTS[name]!).empty, name).toBeUndefined();
  });

  it('the typed host name shows no default in brackets', () => {
    expect(rulesFor(PROMPTS.reboot!).hint).not.toMatch(/\[/);
  });
});

describe('the quit question', () => {
  it('names the VMs at stake and defaults to keeping the run resumable', () => {
    const prompt = quitQuestion(['web01', 'web02', 'db01']);
    expect(prompt.question).toBe('web01, web02, db01 are off because of this run. Quit?');
    expect(prompt.default).toBe('leave');
    expect(prompt.options.map((option) => option.value)).toEqual(['leave', 'restore', 'end', 'back']);
    expect(interpretLine(prompt, '')).toEqual({ kind: 'answer', value: 'leave' });
  });

  it('offers no restore when the run has stopped nothing', () => {
    expect(quitQuestion([]).options.map((option) => option.value)).toEqual(['leave', 'end', 'back']);
  });
});
