import { Text } from 'ink';
import { wrapText } from '../../display/wrap.js';

// What an Enter alone is told, per prompt that takes no empty answer. The layout reserves the rows
// these take at the prompt's width, so a notice that wraps never pushes the question over itself.
const NOTICES = {
  confirm: 'an empty answer decides nothing here: answer y or n',
  'go-no-go': 'an empty answer decides nothing here: g to go, n for no-go (then quit or bring the VMs back)',
  choice: 'an empty answer decides nothing here: choose with ↑↓ then Enter, or type its number',
  'select-vms': 'an empty answer decides nothing here: y for the ticked VMs, n for none of them',
} as const;

export type NoticeKind = keyof typeof NOTICES;

/** Rows the notice takes at a width (at least one; without a width, Ink wraps it). */
export function emptyAnswerRows(kind: NoticeKind, width: number | undefined): number {
  return width === undefined ? 1 : wrapText(NOTICES[kind], width).length;
}

export function EmptyAnswerNotice({ kind, width }: { kind: NoticeKind; width?: number }) {
  if (width === undefined) return <Text color="yellow">{NOTICES[kind]}</Text>;
  return (
    <>
      {wrapText(NOTICES[kind], width).map((line, index) => (
        <Text key={index} color="yellow" wrap="truncate-end">
          {line}
        </Text>
      ))}
    </>
  );
}
