import { defineConfig } from 'vitest/config';

// one test starts the embedded PostgreSQL (PGlite): seconds, not milliseconds
export default defineConfig({
  test: { testTimeout: 90_000, hookTimeout: 60_000 },
});
