import { Box, Text } from 'ink';
import { BINDINGS } from './keymap.js';

const PROMPT_KEYS = [
  { keys: 'y/n', hint: 'answer a yes/no question (Enter alone decides nothing)' },
  { keys: 'Space', hint: 'tick or untick a VM' },
  { keys: 'Enter', hint: 'submit an answer or a choice' },
];

/** Every key from the keymap, keys that do the same folded together. */
function helpRows(): { keys: string; hint: string }[] {
  const rows: { keys: string; hint: string }[] = [];
  for (const { keys, hint } of BINDINGS) {
    const same = rows.find((row) => row.hint === hint);
    if (same) same.keys += `/${keys}`;
    else rows.push({ keys, hint });
  }
  return [...rows, ...PROMPT_KEYS];
}

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const rows = helpRows();
  const inner = Math.max(1, height - 4);
  // Two columns when one would not fit and the pane is wide enough.
  const columns = rows.length > inner && width >= 50 ? 2 : 1;
  const perColumn = Math.ceil(rows.length / columns);
  const columnWidth = Math.floor((width - 4) / columns);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      <Box>
        {Array.from({ length: columns }, (_, column) => (
          <Box key={column} flexDirection="column" width={columnWidth}>
            {rows.slice(column * perColumn, (column + 1) * perColumn).slice(0, inner).map(({ keys, hint }) => (
              <Text key={`${keys}-${hint}`} wrap="truncate-end">
                <Text color="cyan" bold>
                  {keys.padEnd(10)}
                </Text>
                {hint}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      <Text dimColor>Esc closes this help</Text>
    </Box>
  );
}
