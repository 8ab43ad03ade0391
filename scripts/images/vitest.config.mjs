// The registry suite: a Docker engine, a registry and image builds (whose own tests run inside them) make it slow.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['scripts/images/**/*.test.mjs'],
    testTimeout: 45 * 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
