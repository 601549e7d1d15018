import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time even on two cores: many tests wait on processes they start (the CLI, git,
    // pre-commit, npm), and each test works in folders of its own.
    maxWorkers: Math.max(2, availableParallelism()),
    // One temporary folder (and tracewire user cache) per run, removed at the end.
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
