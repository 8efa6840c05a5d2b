import { Box, Text } from 'ink';
import { inverseVideo } from '../display/colour.js';
import { printable } from '../display/printable.js';
import type { OutputLine } from '../run/output-log.js';
import { firstVisibleLine, type OutputView } from './console-state.js';
import { useOutputFrame } from './hooks/use-run-store.js';
import type { RunStore } from './run-store.js';

export { firstVisibleLine, type OutputView };

interface Props {
  store: RunStore;
  view: OutputView;
  width: number;
  height: number;
  /** Colour is off: a search match is drawn in inverse video by hand. */
  noColour?: boolean;
}

const PREFIX: Record<OutputLine['kind'], string> = { stderr: '! ', info: '', stdout: '  ' };
const TONE: Partial<Record<OutputLine['kind'], string>> = { stderr: 'red', info: 'cyan' };

function Line({ line, highlight, noColour }: { line: OutputLine; highlight: boolean; noColour: boolean }) {
  // stderr keeps a mark of its own, so it stays distinguishable without colour.
  const text = `${PREFIX[line.kind]}${printable(line.text)}`;
  if (highlight && noColour) return <Text wrap="truncate-end">{inverseVideo(text)}</Text>;
  return (
    <Text wrap="truncate-end" color={TONE[line.kind]} inverse={highlight}>
      {text}
    </Text>
  );
}

/** A window of the run's output. Only the visible lines are ever rendered. */
export function OutputPane({ store, view, width, height, noColour = false }: Props) {
  useOutputFrame(store);
  const total = store.log.length;
  const rows = Math.max(1, height - 1);
  const first = firstVisibleLine(view, total, rows);
  const lines = store.log.lines(first, rows);
  const status = view.follow
    ? `${total} lines · following`
    : `lines ${first + 1}-${first + lines.length} of ${total} · End follows${view.term ? ` · /${printable(view.term)}` : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text dimColor wrap="truncate-end">
        ── output · {status}
      </Text>
      {/* Keyed by row, not by line number: scrolling then updates text in place instead of
          unmounting and creating every row on every frame. */}
      {lines.map((line, offset) => (
        <Line key={offset} line={line} highlight={view.match === first + offset} noColour={noColour} />
      ))}
    </Box>
  );
}
