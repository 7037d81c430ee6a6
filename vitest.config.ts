import { defineConfig } from 'vitest/config';

// Two projects: `unit` (colocated *.test.ts in every layer, plain Node) and
// `e2e` (real Chromium against the built renderer, real replica files, real processes).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'shared/**/*.test.ts',
            'db/**/*.test.ts',
            'electron/**/*.test.ts',
            'hub/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'tests/integration/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts', 'tests/fault/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
