// Timeouts sized for a busy 2-core runner: tests start real processes and embedded PostgreSQL servers.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
