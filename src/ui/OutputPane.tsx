import { Box, Text } from 'ink';
import type { OutputLine } from '../run/output-log.js';
import { useOutputFrame } from './hooks/use-run-store.js';
import type { RunStore } from './run-store.js';

export interface OutputView {
  /** Follow the newest lines; otherwise `top` is the first line shown. */
  follow: boolean;
  top: number;
  /** A search hit to highlight. */
  match?: number;
  term?: string;
}

interface Props {
  store: RunStore;
  view: OutputView;
  width: number;
  height: number;
}

export function firstVisibleLine(view: OutputView, total: number, rows: number): number {
  if (view.follow) return Math.max(0, total - rows);
  return Math.max(0, Math.min(view.top, Math.max(0, total - rows)));
}

function Line({ line, highlight }: { line: OutputLine; highlight: boolean }) {
  // stderr keeps a mark of its own, so it stays distinguishable without colour.
  if (line.kind === 'stderr') {
    return (
      <Text wrap="truncate-end" color="red" inverse={highlight}>
        ! {line.text}
      </Text>
    );
  }
  if (line.kind === 'info') {
    return (
      <Text wrap="truncate-end" color="cyan" inverse={highlight}>
        {line.text}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end" inverse={highlight}>
      {'  '}
      {line.text}
    </Text>
  );
}

/** A window of the run's output. Only the visible lines are ever rendered. */
export function OutputPane({ store, view, width, height }: Props) {
  useOutputFrame(store);
  const total = store.log.length;
  const rows = Math.max(1, height - 1);
  const first = firstVisibleLine(view, total, rows);
  const lines = store.log.lines(first, rows);
  const status = view.follow
    ? `${total} lines · following`
    : `lines ${first + 1}-${first + lines.length} of ${total} · End follows${view.term ? ` · /${view.term}` : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text dimColor wrap="truncate-end">
        ── output · {status}
      </Text>
      {/* Keyed by row, not by line number: scrolling then updates text in place instead of
          unmounting and creating every row on every frame. */}
      {lines.map((line, offset) => (
        <Line key={offset} line={line} highlight={view.match === first + offset} />
      ))}
    </Box>
  );
}
