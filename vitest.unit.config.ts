import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the engine, the runbook format, the kinds, parsers on recorded output and the
// component tests (ink-testing-library, *.test.tsx). No processes, daemons or pseudo-terminals.
export default defineConfig({
  test: {
    // Nothing here starts processes that outlive a test: threads start faster than forks.
    pool: 'threads',
    // These tests share no global state, so one module graph per worker serves them all: most of
    // the time of a small test file is loading zod, yaml and Ink again.
    isolate: false,
    include: [
      'test/engine/**/*.test.ts',
      'test/runbook/**/*.test.ts',
      'test/kinds/**/*.test.ts',
      'test/architecture/**/*.test.ts',
      'test/display/**/*.test.ts',
      'test/plain/**/*.test.ts',
      'test/ui/layout.test.ts',
      'test/ui/console-state.test.ts',
      'test/approval/approval-engine.test.ts',
      'test/approval/approval-lint.test.ts',
      'test/inventory/**/*.test.ts',
      'test/rehearsal/**/*.test.ts',
      'test/history/**/*.test.ts',
      'test/notify/notifier.test.ts',
      'test/**/*.test.tsx',
    ],
  },
});
