import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Both cores of a CI runner: vitest's default (cores − 1) ran one worker on 2 cores, 503 s for the
    // suite against 377 s with two. Forks, not threads: a thread's smaller stack changes what the
    // hostile-plan tests see.
    maxWorkers: 2,
  },
});
