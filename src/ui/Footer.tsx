import { Box, Text } from 'ink';
import { hintsFor, type KeyCommand, type KeyContext } from './keymap.js';

interface Props {
  context: KeyContext;
  /** Keys the open prompt handles itself, shown first. */
  extra?: { keys: string; hint: string }[];
  hide?: KeyCommand[];
  width: number;
}

/** The keys that work right now, from the keymap. */
export function Footer({ context, extra = [], hide, width }: Props) {
  const hints = [...extra, ...hintsFor(context, hide)];
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text wrap="truncate-end">
        {hints.map(({ keys, hint }, index) => (
          <Text key={`${keys}-${hint}`}>
            {index > 0 ? '  ' : ''}
            <Text bold color="cyan">
              {keys}
            </Text>{' '}
            <Text dimColor>{hint}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
