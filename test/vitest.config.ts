import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { slack } from './helpers/slack.js';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Most of a test's time is spent waiting on tmux, git and agent processes, not on its own CPU:
    // two files at a time on 2 cores halves the run (526 s -> 275 s measured) where vitest's
    // default (cores - 1) would run one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: slack(30_000),
    hookTimeout: slack(30_000),
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
