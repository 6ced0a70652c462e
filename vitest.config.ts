import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Integration tests share the host's launcher, cgroups and store; run files one at a time.
    fileParallelism: false,
  },
});
