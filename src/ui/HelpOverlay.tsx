import { Box, Text } from 'ink';
import { BINDINGS } from './keymap.js';

const PROMPT_KEYS = [
  { keys: 'y / n', hint: 'answer a yes/no question (Enter means no)' },
  { keys: 'Space', hint: 'tick or untick a VM in a list' },
  { keys: 'Enter', hint: 'submit an answer or a choice' },
];

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const rows = [...BINDINGS.map(({ keys, hint }) => ({ keys, hint })), ...PROMPT_KEYS];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {rows.slice(0, Math.max(0, height - 4)).map(({ keys, hint }) => (
        <Text key={`${keys}-${hint}`} wrap="truncate-end">
          <Text color="cyan" bold>
            {keys.padEnd(8)}
          </Text>
          {hint}
        </Text>
      ))}
      <Text dimColor>Esc closes this help</Text>
    </Box>
  );
}
