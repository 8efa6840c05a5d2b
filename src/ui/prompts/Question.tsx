import { Box, Text } from 'ink';
import { wrapText } from '../../display/wrap.js';

interface Props {
  question: string;
  /** Valid answers, drawn dim after the question. */
  hint?: string;
  tone: 'red' | 'cyan';
  /** Wrap to this width; without it Ink wraps. */
  width?: number;
}

/** `? question [hint]`, wrapped in full: a question is never cut short. */
export function Question({ question, hint, tone, width }: Props) {
  const full = hint ? `? ${question} ${hint}` : `? ${question}`;
  if (width === undefined) {
    return (
      <Text wrap="wrap">
        <Text color={tone} bold>
          ?{' '}
        </Text>
        <Text bold>{question}</Text>
        {hint ? <Text dimColor> {hint}</Text> : null}
      </Text>
    );
  }
  const lines = wrapText(full, width);
  // Never squeezed by a list below it: the list gives up rows, the question does not.
  return (
    <Box flexDirection="column" flexShrink={0}>
      {lines.map((line, index) => {
        const first = index === 0;
        const last = index === lines.length - 1;
        const body = first ? line.slice(2) : line;
        const hinted = last && hint && body.endsWith(hint) ? hint : '';
        return (
          <Text key={index} wrap="truncate-end">
            {first ? (
              <Text color={tone} bold>
                ?{' '}
              </Text>
            ) : null}
            <Text bold>{hinted ? body.slice(0, body.length - hinted.length) : body}</Text>
            {hinted ? <Text dimColor>{hinted}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}

/** Rows the question takes at a width. */
export function questionRows(question: string, hint: string, width: number): number {
  return wrapText(hint ? `? ${question} ${hint}` : `? ${question}`, width).length;
}
