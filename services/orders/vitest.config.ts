import { defineConfig } from 'vitest/config';

// each test file starts an embedded PostgreSQL in beforeAll: seconds, not milliseconds
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
