import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { ChoicePrompt } from '../../src/ui/prompts/ChoicePrompt.js';
import { ConfirmPrompt } from '../../src/ui/prompts/ConfirmPrompt.js';
import type { Prompt } from '../../src/engine/types.js';
import { PromptView, promptHeight } from '../../src/ui/PromptView.js';
import { SelectVmsPrompt } from '../../src/ui/prompts/SelectVmsPrompt.js';
import { TextPrompt } from '../../src/ui/prompts/TextPrompt.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));
const ENTER = '\r';
const DOWN = '\u001B[B';

async function type(stdin: { write: (data: string) => void }, ...keys: string[]) {
  for (const key of keys) {
    stdin.write(key);
    await tick();
  }
}

describe('confirm', () => {
  it('asks y/n, answers on y or n, and an empty Enter decides nothing', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<ConfirmPrompt question="Go on?" destructive={false} onAnswer={onAnswer} isActive />);
    expect(lastFrame()).toBe('? Go on? [y/n]');
    await tick();
    await type(stdin, 'x', ENTER);
    expect(onAnswer).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(lastFrame()).toContain('an empty answer decides nothing here: answer y or n'));
    await type(stdin, 'y', 'n');
    expect(onAnswer.mock.calls).toEqual([[true], [false]]);
  });

  it('takes Enter as no where no is the safe default (ending a running command)', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<ConfirmPrompt question="Abort?" destructive emptyAnswer={false} hint="[y/N]" onAnswer={onAnswer} isActive />);
    expect(lastFrame()).toBe('? Abort? [y/N]');
    await tick();
    await type(stdin, ENTER);
    expect(onAnswer.mock.calls).toEqual([[false]]);
  });
});

describe('text input', () => {
  it('offers the default and checks the pattern before answering', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<TextPrompt question="Change ticket" pattern="CHG[0-9]+" onAnswer={onAnswer} isActive />);
    await tick();
    await type(stdin, 'C', 'H', 'X', ENTER);
    await vi.waitFor(() => expect(lastFrame()).toContain('✗ "CHX" does not match CHG[0-9]+'));
    expect(onAnswer).not.toHaveBeenCalled();
    await type(stdin, 'C', 'H', 'G', '7', ENTER);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('CHG7'));
  });

  it('Enter on an empty field takes the default', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<TextPrompt question="Host" defaultValue="kvm01" onAnswer={onAnswer} isActive />);
    await vi.waitFor(() => expect(lastFrame()).toContain('? Host [kvm01]'));
    await tick();
    await type(stdin, ENTER);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('kvm01'));
  });

  it('masks a secret as it is typed', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<TextPrompt question="Token" secret onAnswer={onAnswer} isActive />);
    await tick();
    await type(stdin, 's', '3', 'c');
    expect(lastFrame()).not.toContain('s3c');
    await vi.waitFor(() => expect(lastFrame()).toContain('***'));
    await type(stdin, ENTER);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('s3c'));
  });

  it('q alone at the typed host name asks to quit, as in line mode', async () => {
    const onAnswer = vi.fn();
    const onQuit = vi.fn();
    const { stdin } = render(<TextPrompt question="Type the host name" expected="kvm01" isQuit={(line) => line.trim() === 'q'} onQuit={onQuit} onAnswer={onAnswer} isActive />);
    await tick();
    await type(stdin, 'q', ENTER);
    expect(onQuit).toHaveBeenCalledTimes(1);
    expect(onAnswer).not.toHaveBeenCalled();
  });

  it('the reboot confirmation refuses anything but the exact host name', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<TextPrompt question="This reboots kvm01. Type the host name to confirm" expected="kvm01" onAnswer={onAnswer} isActive />);
    await vi.waitFor(() => expect(lastFrame()).toContain('(type kvm01)'));
    await tick();
    await type(stdin, 'k', 'v', 'm', '0', '2', ENTER);
    await vi.waitFor(() => expect(lastFrame()).toContain('"kvm02" is not kvm01; type the host name exactly'));
    await type(stdin, ENTER);
    await vi.waitFor(() => expect(lastFrame()).toContain('✗ type kvm01 to go on'));
    await type(stdin, 'K', 'V', 'M', '0', '1', ENTER);
    expect(onAnswer).not.toHaveBeenCalled();
    await type(stdin, 'kvm01\r');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('kvm01'));
  });
});

describe('choice', () => {
  const FORCE_OFF = [
    { value: 'force', label: 'Force power-off' },
    { value: 'wait', label: 'Wait another 5m' },
    { value: 'skip', label: 'Leave it running' },
  ];

  it('moves with the arrows and chooses with Enter; with no default the cursor starts on nothing', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<ChoicePrompt question="web03 did not shut down within 5m. What now?" options={FORCE_OFF} visible={4} onAnswer={onAnswer} isActive />);
    await vi.waitFor(() => expect(lastFrame()).toContain('1. Force power-off'));
    expect(lastFrame()).not.toContain('❯');
    await tick();
    await type(stdin, DOWN, DOWN, ENTER);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('wait'));
  });

  it('an empty Enter with no default asks again; a number chooses, as in line mode', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<ChoicePrompt question="web03 did not shut down within 5m. What now?" options={FORCE_OFF} visible={4} onAnswer={onAnswer} isActive />);
    await tick();
    await type(stdin, ENTER);
    expect(onAnswer).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(lastFrame()).toContain('an empty answer decides nothing here'));
    await type(stdin, '3');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('skip'));
  });

  it('Enter alone answers the default, where the cursor starts (the quit question leaves the run resumable)', async () => {
    const onAnswer = vi.fn();
    const options = [
      { value: 'end', label: 'End now' },
      { value: 'leave', label: 'Leave the run interrupted' },
    ];
    const { lastFrame, stdin } = render(<ChoicePrompt question="Quit?" options={options} defaultValue="leave" visible={3} onAnswer={onAnswer} isActive />);
    await vi.waitFor(() => expect(lastFrame()).toContain('❯ 2. Leave the run interrupted'));
    await tick();
    await type(stdin, ENTER);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith('leave'));
  });
});

describe('VM multi-select', () => {
  it('starts with the running VMs ticked; Space unticks; an empty Enter asks again; y answers the ticked ones', async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(
      <SelectVmsPrompt question="Shut down: 3 VM(s)" options={['web01', 'db01', 'cache01']} selected={['web01', 'db01', 'cache01']} destructive={false} visible={4} onAnswer={onAnswer} isActive />,
    );
    await vi.waitFor(() => expect(lastFrame()).toContain('web01 ✔'));
    await tick();
    await type(stdin, DOWN, ' ', ENTER);
    expect(onAnswer).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(lastFrame()).toContain('an empty answer decides nothing here'));
    await type(stdin, 'y');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(['web01', 'cache01']));
  });

  it('n answers none of them, as in line mode', async () => {
    const onAnswer = vi.fn();
    const { stdin } = render(<SelectVmsPrompt question="Shut down: 2 VM(s)" options={['web01', 'db01']} selected={['web01', 'db01']} destructive visible={3} onAnswer={onAnswer} isActive />);
    await tick();
    await type(stdin, 'n');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(false));
  });

  it('a narrow console keeps the question whole when the empty-answer notice wraps, in the rows the layout gave it', async () => {
    // 59 columns is the main pane of an 80-column console: the question and the notice both wrap.
    const width = 59;
    const names = ['web01', 'web02', 'db01', 'cache01'];
    const prompt: Prompt = { kind: 'select-vms', question: 'Shut down (graceful, up to 8s each): 4 VM(s)', options: names, selected: names, destructive: false };
    const height = promptHeight(prompt, width);
    const { lastFrame, stdin } = render(
      <Box height={height} flexDirection="column" width={width}>
        <PromptView id={1} prompt={prompt} height={height} width={width} isActive onAnswer={() => {}} />
      </Box>,
    );
    await vi.waitFor(() => expect(lastFrame()).toContain('cache01 ✔'));
    await tick();
    await type(stdin, ENTER);
    await vi.waitFor(() => expect(lastFrame()).toContain('an empty answer decides nothing here'));
    const rows = (lastFrame() ?? '').split('\n').map((row) => row.trimEnd());
    expect(rows.slice(0, 4)).toEqual([
      '? Shut down (graceful, up to 8s each): 4 VM(s) (4 of 4',
      'ticked)',
      'an empty answer decides nothing here: y for the ticked VMs,',
      'n for none of them',
    ]);
    // Every VM is still on screen with its tick: the layout reserved the notice's two rows.
    expect(rows.slice(4)).toEqual(['❯ web01 ✔', '  web02 ✔', '  db01 ✔', '  cache01 ✔']);
  });

  it('scrolls a long list within its rows', () => {
    const names = Array.from({ length: 200 }, (_, index) => `vm${String(index).padStart(3, '0')}`);
    const { lastFrame } = render(<SelectVmsPrompt question="Shut down" options={names} selected={names} destructive={false} visible={5} onAnswer={() => {}} isActive />);
    const frame = lastFrame() ?? '';
    expect(frame.split('\n')).toHaveLength(6);
    expect(frame).toContain('(200 of 200 ticked)');
  });
});
