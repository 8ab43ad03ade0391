// The whole contract through the gateway of the processes `npm start` runs, on the embedded PostgreSQL server.
import { afterAll, beforeAll } from 'vitest';
import { defineContractSuite } from '../src/contract-suite.js';
import { startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ database: 'embedded' });
});
afterAll(async () => {
  await platform?.close();
});

defineContractSuite(() => platform.gatewayUrl);
