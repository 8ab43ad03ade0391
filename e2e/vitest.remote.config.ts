// Remote mode: the contract suite against a platform that is already running (docker compose, a cluster's
// ingress), at E2E_BASE_URL.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/remote.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
