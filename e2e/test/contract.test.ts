// The whole contract through the gateway of the processes `npm start` runs, on the embedded PostgreSQL server.
import { afterAll, beforeAll } from 'vitest';
import { defineContractSuite } from '../src/contract-suite.js';
import { startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let platform: TestPlatform;
beforeAll(async () => {
  // the embedded server runs one transaction at a time: a generous deadline keeps the crowd test about stock, not speed
  platform = await startTestPlatform({ database: 'embedded', env: { GRPC_DEADLINE_MS: '10000' } });
});
afterAll(async () => {
  await platform?.close();
});

defineContractSuite(() => platform.gatewayUrl);
