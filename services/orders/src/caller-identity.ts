// Who is calling: the end user's access token from the `authorization` metadata, verified against the auth
// service's JWKS on every RPC by auth-kit's gRPC caller check, whoever the caller is (no trust in the network
// position, CONTRACT.md "Tokens"). The token goes no further: orders calls the catalog as itself.
import type { Metadata } from '@grpc/grpc-js';
import { authenticateGrpcCaller, createJwtVerifier } from '@platform/auth-kit';
import type { Caller } from './order.js';

export interface CallerIdentity {
  /** Resolves with the verified caller, or rejects with auth-kit's TokenError (UNAUTHENTICATED). */
  authenticate(metadata: Metadata): Promise<Caller>;
}

export interface CallerIdentityOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export function createCallerIdentity(options: CallerIdentityOptions): CallerIdentity {
  const verifier = createJwtVerifier(options);
  return {
    async authenticate(metadata) {
      const user = await authenticateGrpcCaller(metadata, { verifier });
      return { userId: user.subject };
    },
  };
}
