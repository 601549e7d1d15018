import { defineConfig } from 'vitest/config';

/**
 * `npm run test:fuzz`: the property-based robustness tests at scale. Two properties (generated programs,
 * mutated fixtures) of TRACEWIRE_FUZZ_RUNS cases each (default 5,000: 10,000 cases), run in parallel.
 * TRACEWIRE_FUZZ_SEED=<n> replays a seed; TRACEWIRE_FUZZ_SEED=random explores new ones.
 */
export default defineConfig({
  test: {
    include: ['test/fuzz-*.test.ts'],
    testTimeout: 4 * 3600_000,
    pool: 'forks',
    env: { TRACEWIRE_FUZZ_RUNS: process.env.TRACEWIRE_FUZZ_RUNS ?? '5000' },
  },
});
