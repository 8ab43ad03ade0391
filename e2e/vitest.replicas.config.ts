// Compose scaled to two replicas of each domain service: the restart-under-load check of e2e/replicas, against the
// stack scripts/compose/test-compose.sh brought up and scaled; E2E_BASE_URL and E2E_COMPOSE_PROJECT say where.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['replicas/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
