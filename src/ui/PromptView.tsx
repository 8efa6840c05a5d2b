import { Text } from 'ink';
import type { Prompt, PromptAnswer } from '../engine/types.js';
import { ChoicePrompt } from './prompts/ChoicePrompt.js';
import { ConfirmPrompt } from './prompts/ConfirmPrompt.js';
import { SelectVmsPrompt } from './prompts/SelectVmsPrompt.js';
import { TextPrompt } from './prompts/TextPrompt.js';

/** Rows a prompt needs, given how many rows it may take at most. */
export function promptHeight(prompt: Prompt | undefined, limit: number): number {
  if (!prompt) return 0;
  switch (prompt.kind) {
    case 'continue':
    case 'confirm':
      return 1;
    case 'input':
    case 'type-to-confirm':
      return 3;
    case 'choice':
      return Math.min(limit, 1 + prompt.options.length);
    case 'select-vms':
      return Math.min(limit, 1 + prompt.options.length);
  }
}

/** Keys the prompt itself takes, for the footer. */
export function promptKeys(prompt: Prompt | undefined): { keys: string; hint: string }[] {
  switch (prompt?.kind) {
    case 'confirm':
      return [{ keys: 'y/n', hint: 'answer' }];
    case 'input':
    case 'type-to-confirm':
      return [{ keys: 'Enter', hint: 'submit' }];
    case 'choice':
      return [{ keys: '↑↓', hint: 'move' }, { keys: 'Enter', hint: 'choose' }];
    case 'select-vms':
      return [{ keys: '↑↓', hint: 'move' }, { keys: 'Space', hint: 'tick' }, { keys: 'Enter', hint: 'go' }];
    default:
      return [];
  }
}

interface Props {
  id: number;
  prompt: Prompt;
  height: number;
  isActive: boolean;
  onAnswer: (value: PromptAnswer) => void;
}

export function PromptView({ id, prompt, height, isActive, onAnswer }: Props) {
  switch (prompt.kind) {
    case 'continue':
      return (
        <Text color="cyan" wrap="truncate-end">
          {prompt.question}
        </Text>
      );
    case 'confirm':
      return <ConfirmPrompt key={id} question={prompt.question} destructive={prompt.destructive} onAnswer={onAnswer} isActive={isActive} />;
    case 'input':
      return (
        <TextPrompt
          key={id}
          question={prompt.question}
          defaultValue={prompt.default}
          pattern={prompt.pattern}
          secret={prompt.secret}
          error={prompt.error}
          onAnswer={onAnswer}
          isActive={isActive}
        />
      );
    case 'type-to-confirm':
      return <TextPrompt key={id} question={prompt.question} expected={prompt.expected} error={prompt.error} onAnswer={onAnswer} isActive={isActive} />;
    case 'choice':
      return (
        <ChoicePrompt
          key={id}
          question={prompt.question}
          options={prompt.options}
          defaultValue={prompt.default}
          visible={Math.max(1, height - 1)}
          onAnswer={onAnswer}
          isActive={isActive}
        />
      );
    case 'select-vms':
      return (
        <SelectVmsPrompt
          key={id}
          question={prompt.question}
          options={prompt.options}
          selected={prompt.selected}
          destructive={prompt.destructive}
          visible={Math.max(1, height - 1)}
          onAnswer={onAnswer}
          isActive={isActive}
        />
      );
  }
}
