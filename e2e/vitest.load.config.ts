// Compose with the `load` profile up: the load generator's steady traffic (e2e/load), against the stack
// scripts/compose/test-compose.sh brought up; E2E_BASE_URL and E2E_COMPOSE_PROJECT say where.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['load/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
