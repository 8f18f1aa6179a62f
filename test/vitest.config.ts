import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { slack } from './helpers/slack.js';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: slack(30_000),
    hookTimeout: slack(30_000),
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
