import { Box, Text } from 'ink';
import { hostName } from '../display/step-text.js';
import type { RunState } from '../engine/types.js';
import { WINDOW_ALERT_SHARE, WINDOW_WARN_SHARE } from '../limits.js';
import { formatDuration, mustParseDuration } from '../runbook/duration.js';
import { useClock } from './hooks/use-clock.js';
import { etaLine } from '../display/eta-line.js';
import { rollingProgress } from '../display/rolling-rows.js';

/** The ETA from past runs of the remaining steps, on the clock's tick; nothing without history. */
function EtaText({ run }: { run: RunState }) {
  const now = useClock();
  const eta = etaLine(run, now);
  if (!eta) return null;
  return <Text color={eta.late ? 'red' : undefined} dimColor={!eta.late}> · {eta.text}</Text>;
}

interface Props {
  run: RunState;
  title: string;
  training: boolean;
  width: number;
}

function WindowClock({ run }: { run: RunState }) {
  const now = useClock();
  const window = run.runbook.window;
  const started = run.startedAt ?? now;
  const used = Math.max(0, (run.endedAt ?? now) - started);
  if (!window) return <Text dimColor>elapsed {formatDuration(used)}</Text>;
  const total = mustParseDuration(window.duration);
  const left = total - used;
  const warnAt = window.warn_before ? mustParseDuration(window.warn_before) : total * WINDOW_WARN_SHARE;
  const color = left <= total * WINDOW_ALERT_SHARE ? 'red' : left <= warnAt ? 'yellow' : 'green';
  const text = left >= 0 ? `${formatDuration(left)} left` : `${formatDuration(-left)} OVER`;
  return (
    <Text>
      window {formatDuration(used)}/{window.duration} <Text color={color} bold={left < 0}>{text}</Text>
    </Text>
  );
}

export function Header({ run, title, training, width }: Props) {
  const current = Math.min(run.cursor + 1, run.steps.length);
  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between">
        <Text bold wrap="truncate-end">
          patchwalk <Text color="cyan">{title}</Text>
        </Text>
        <Box flexShrink={0} marginLeft={1}>
          <WindowClock run={run} />
        </Box>
      </Box>
      <Box>
        <Text wrap="truncate-end">
          host <Text bold>{hostName(run)}</Text> · step {current} of {run.steps.length}
          {rollingProgress(run) ? <Text> · {rollingProgress(run)}</Text> : null}
          {run.options.history ? <EtaText run={run} /> : null}
          {run.options.dryRun ? <Text color="yellow" bold> · DRY RUN: nothing changes</Text> : null}
          {run.options.rehearsal ? <Text color="magenta" bold> · REHEARSAL</Text> : null}
          {run.options.guided ? <Text color="magenta" bold> · GUIDED</Text> : null}
          {training ? <Text color="magenta" bold> · TRAINING</Text> : null}
          {run.options.yes ? <Text dimColor> · --yes</Text> : null}
          <Text dimColor> · run {run.options.runId}</Text>
        </Text>
      </Box>
    </Box>
  );
}
