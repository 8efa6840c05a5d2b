import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the engine, the runbook format, the kinds, parsers on recorded output and the
// component tests (ink-testing-library, *.test.tsx). No processes, daemons or pseudo-terminals.
export default defineConfig({
  test: {
    include: [
      'test/engine/**/*.test.ts',
      'test/runbook/**/*.test.ts',
      'test/kinds/**/*.test.ts',
      'test/architecture/**/*.test.ts',
      'test/display/**/*.test.ts',
      'test/plain/**/*.test.ts',
      'test/ui/layout.test.ts',
      'test/ui/console-state.test.ts',
      'test/inventory/**/*.test.ts',
      'test/**/*.test.tsx',
    ],
  },
});
