import { defineConfig } from 'vitest/config';

// tests start the embedded PostgreSQL: seconds, not milliseconds
export default defineConfig({
  test: { testTimeout: 90_000, hookTimeout: 60_000 },
});
