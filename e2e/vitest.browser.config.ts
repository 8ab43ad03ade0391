// The storefront's browser journey against a shop that is already running (docker compose, a cluster's ingress):
// E2E_STOREFRONT_URL=http://127.0.0.1:8082 E2E_BASE_URL=http://127.0.0.1:8080 npm run test:browser -w @platform/e2e
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/browser/journey.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
