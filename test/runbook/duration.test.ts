import { expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/runbook/duration.js';

it('reads durations as operators write them', () => {
  expect([parseDuration('250ms'), parseDuration('90s'), parseDuration('5m'), parseDuration('1h30m'), parseDuration('1.5h')]).toEqual([
    250, 90_000, 300_000, 5_400_000, 5_400_000,
  ]);
  expect([parseDuration('5'), parseDuration('5 m'), parseDuration('m'), parseDuration('-1s')]).toEqual([undefined, undefined, undefined, undefined]);
});

it('formats durations for a clock', () => {
  expect([formatDuration(1500), formatDuration(42_000), formatDuration(125_000), formatDuration(3_723_000)]).toEqual(['1.5s', '42s', '2m05s', '1h02m03s']);
});
