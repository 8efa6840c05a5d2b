import chalk from 'chalk';
import { Box, Text } from 'ink';
import { inverseVideo } from '../display/colour.js';
import { fitLine } from '../display/fit-line.js';
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
const TONE: Record<OutputLine['kind'], (text: string) => string> = { stderr: chalk.red, info: chalk.cyan, stdout: (text) => text };

/**
 * A line as drawn, cut to the pane. Kept per line object (the log's memory ring hands out the same
 * object while the line is in it), so a line still on screen is not escaped and measured again.
 */
const drawn = new WeakMap<OutputLine, { width: number; text: string }>();

function lineText(line: OutputLine, width: number): string {
  const known = drawn.get(line);
  if (known?.width === width) return known.text;
  // stderr keeps a mark of its own, so it stays distinguishable without colour.
  const text = fitLine(`${PREFIX[line.kind]}${printable(line.text)}`, width);
  drawn.set(line, { width, text });
  return text;
}

function styled(line: OutputLine, width: number, highlight: boolean, noColour: boolean): string {
  const text = lineText(line, width);
  if (!highlight) return TONE[line.kind](text);
  return noColour ? inverseVideo(text) : chalk.inverse(TONE[line.kind](text));
}

/**
 * A window of the run's output. Only the visible lines are ever rendered, and as one text of lines
 * already cut to the width: during a flood every row changes on every frame, and a text node a row
 * was a fiber, a layout box and a measure each, for each row, each frame.
 */
export function OutputPane({ store, view, width, height, noColour = false }: Props) {
  useOutputFrame(store);
  const total = store.log.length;
  const rows = Math.max(1, height - 1);
  const first = firstVisibleLine(view, total, rows);
  const lines = store.log.lines(first, rows);
  const status = view.follow
    ? `${total} lines · following`
    : `lines ${first + 1}-${first + lines.length} of ${total} · End follows${view.term ? ` · /${printable(view.term)}` : ''}`;
  const text = [
    chalk.dim(fitLine(`── output · ${status}`, width)),
    ...lines.map((line, offset) => styled(line, width, view.match === first + offset, noColour)),
  ].join('\n');
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text>{text}</Text>
    </Box>
  );
}
