// Remote mode: the contract suite against a platform that is already running (docker compose, a cluster's
// ingress), at E2E_BASE_URL.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/remote.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
