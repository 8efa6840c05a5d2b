import { Box, Text } from 'ink';
import { promptText, tickedHint } from '../display/prompt-text.js';
import { wrapText } from '../display/wrap.js';
import { interpretLine, rulesFor } from '../engine/prompt-model.js';
import type { Prompt, PromptAnswer } from '../engine/types.js';
import { ChoicePrompt } from './prompts/ChoicePrompt.js';
import { ConfirmPrompt } from './prompts/ConfirmPrompt.js';
import { emptyAnswerRows } from './prompts/EmptyAnswerNotice.js';
import { GoNoGoPrompt } from './prompts/GoNoGoPrompt.js';
import { questionRows } from './prompts/Question.js';
import { SelectVmsPrompt } from './prompts/SelectVmsPrompt.js';
import { TextPrompt } from './prompts/TextPrompt.js';

/** Rows a prompt needs at a width: its question wrapped in full, then its field or list. */
export function promptHeight(prompt: Prompt | undefined, width: number): number {
  if (!prompt) return 0;
  const { question, hint, error } = promptText(prompt);
  const shownHint = prompt.kind === 'select-vms' ? tickedHint(prompt.options.length, prompt.options.length) : hint;
  const asked = prompt.kind === 'continue' ? wrapText(question, width).length : questionRows(question, shownHint, width);
  switch (prompt.kind) {
    case 'continue':
      return asked;
    case 'confirm':
    case 'go-no-go':
      // And the rows that say an empty Enter decides nothing, where it does not.
      return asked + (prompt.kind === 'confirm' && rulesFor(prompt).empty !== undefined ? 0 : emptyAnswerRows(prompt.kind, width));
    case 'input':
    case 'type-to-confirm':
      // The field, and room for the problem with the last answer.
      return asked + 1 + (error ? wrapText(`✗ ${error}`, width).length : 1);
    case 'choice':
      // And a row to say an empty Enter decides nothing, where it does not.
      return asked + prompt.options.length + (rulesFor(prompt).empty === undefined ? emptyAnswerRows('choice', width) : 0);
    case 'select-vms':
      return asked + prompt.options.length + emptyAnswerRows('select-vms', width);
  }
}

/** Keys the prompt itself takes, for the footer. */
export function promptKeys(prompt: Prompt | undefined): { keys: string; hint: string }[] {
  switch (prompt?.kind) {
    case 'confirm':
      return [{ keys: 'y/n', hint: 'answer' }];
    case 'go-no-go':
      return [{ keys: 'g/n', hint: 'go / no-go' }];
    case 'input':
    case 'type-to-confirm':
      return [{ keys: 'Enter', hint: 'submit' }];
    case 'choice':
      return [{ keys: '↑↓', hint: 'move' }, { keys: 'Enter/1-9', hint: 'choose' }];
    case 'select-vms':
      return [{ keys: '↑↓', hint: 'move' }, { keys: 'Space', hint: 'tick' }, { keys: 'y', hint: 'go' }, { keys: 'n', hint: 'none' }];
    default:
      return [];
  }
}

interface Props {
  id: number;
  prompt: Prompt;
  height: number;
  width: number;
  isActive: boolean;
  onAnswer: (value: PromptAnswer) => void;
  onTicked?: (value: string[]) => void;
  onCursor?: (name: string) => void;
  /** q typed as the whole answer where the prompt model takes it as quit (the typed host name). */
  onQuit?: () => void;
}

export function PromptView({ id, prompt, height, width, isActive, onAnswer, onTicked, onCursor, onQuit }: Props) {
  const text = promptText(prompt);
  // A list takes the rows its question leaves.
  const listRows = Math.max(1, height - questionRows(text.question, prompt.kind === 'select-vms' ? tickedHint(prompt.selected.length, prompt.options.length) : text.hint, width));
  switch (prompt.kind) {
    case 'continue':
      return (
        <Box flexDirection="column">
          {wrapText(text.question, width).map((line, index) => (
            <Text key={index} color="cyan" wrap="truncate-end">
              {line}
            </Text>
          ))}
        </Box>
      );
    case 'confirm':
      return (
        <ConfirmPrompt
          key={id}
          question={text.question}
          hint={text.hint}
          emptyAnswer={typeof text.empty === 'boolean' ? text.empty : undefined}
          destructive={prompt.destructive}
          onAnswer={onAnswer}
          isActive={isActive}
          width={width}
        />
      );
    case 'input':
      return (
        <TextPrompt
          key={id}
          question={text.question}
          hint={text.hint}
          defaultValue={prompt.default}
          pattern={prompt.pattern}
          secret={prompt.secret}
          error={text.error}
          onAnswer={onAnswer}
          isActive={isActive}
          width={width}
        />
      );
    case 'go-no-go':
      return <GoNoGoPrompt key={id} question={text.question} hint={text.hint} onAnswer={onAnswer} isActive={isActive} width={width} />;
    case 'type-to-confirm':
      return (
        <TextPrompt
          key={id}
          question={text.question}
          hint={text.hint}
          expected={prompt.expected}
          error={text.error}
          onAnswer={onAnswer}
          isQuit={(line) => interpretLine(prompt, line).kind === 'quit'}
          onQuit={onQuit}
          isActive={isActive}
          width={width}
        />
      );
    case 'choice':
      return (
        <ChoicePrompt
          key={id}
          question={text.question}
          options={prompt.options}
          defaultValue={prompt.default}
          visible={listRows}
          onAnswer={onAnswer}
          isActive={isActive}
          width={width}
          destructive={text.destructive}
        />
      );
    case 'select-vms':
      return (
        <SelectVmsPrompt
          key={id}
          question={text.question}
          options={prompt.options}
          selected={prompt.selected}
          destructive={prompt.destructive}
          visible={listRows}
          onAnswer={onAnswer}
          onTicked={onTicked}
          onCursor={onCursor}
          isActive={isActive}
          width={width}
        />
      );
  }
}
