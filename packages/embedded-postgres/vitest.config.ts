import { defineConfig } from 'vitest/config';

// each file starts its own servers: initdb and a start take about a second, more on a busy machine
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
