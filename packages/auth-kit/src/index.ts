// JWT verification against a JWKS, shared by the gateway and every domain service.
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenHeader,
  type AccessTokenRules,
  readAccessTokenHeader,
  type VerificationKey,
  verifyAccessToken,
} from './access-token.js';
export { bearerToken } from './bearer-token.js';
export {
  authenticateGrpcCaller,
  CallerNotAllowedError,
  type CallMetadata,
  type GrpcCaller,
  type GrpcCallerOptions,
} from './grpc-caller.js';
export {
  ACCEPTED_ALGORITHMS,
  type AcceptedAlgorithm,
  createJwtVerifier,
  type JwtVerifier,
  type JwtVerifierOptions,
  type JwtVerifierStats,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
} from './jwt-verifier.js';
export { TokenError, type TokenErrorReason } from './token-error.js';
export type { VerifiedToken } from './verified-token.js';
