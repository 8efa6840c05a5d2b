// How a step's status is marked, in the sidebar, in line mode and in the output's step lines.
import type { StepStatus } from '../engine/types.js';

/** Colour names both renderers know (Ink's `color`, line mode's Style). */
export type Tone = 'cyan' | 'green' | 'red' | 'yellow' | undefined;

export const STATUS_MARK: Record<StepStatus, { mark: string; tone: Tone }> = {
  pending: { mark: '·', tone: undefined },
  running: { mark: '▶', tone: 'cyan' },
  done: { mark: '✓', tone: 'green' },
  failed: { mark: '✗', tone: 'red' },
  skipped: { mark: '↷', tone: 'yellow' },
};
