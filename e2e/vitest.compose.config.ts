// Container mode: checks only docker compose can answer (users, read-only roots, published ports, a service killed
// and restarted) against the stack scripts/compose/test-compose.sh brought up; E2E_BASE_URL and E2E_COMPOSE_PROJECT
// say where it is. Files run one after another: one of them kills containers.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['compose/**/*.test.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
