import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources, never against dist/: the "source"
// export condition points each workspace package at its src/index.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['{shared,gateway,cloud,scripts}/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
  },
});
