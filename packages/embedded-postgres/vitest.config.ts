import { defineConfig } from 'vitest/config';

// PGlite compiles its WebAssembly and runs initdb on every start: seconds, not milliseconds
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 120_000 },
});
