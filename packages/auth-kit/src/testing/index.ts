// Test support for services that verify platform tokens: `import { startTestIssuer } from '@platform/auth-kit/testing'`.
export {
  type SignOptions,
  startTestIssuer,
  type TestAlgorithm,
  type TestClaims,
  type TestIssuer,
  type TestIssuerOptions,
} from './test-issuer.js';
