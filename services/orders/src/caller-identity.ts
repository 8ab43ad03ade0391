// Who is calling: the end user's access token from the `authorization` metadata, verified against the auth
// service's JWKS on every RPC, whoever the caller is (no trust in the network position, CONTRACT.md "Tokens").
import type { Metadata } from '@grpc/grpc-js';
import { bearerToken, createJwtVerifier, TokenError } from '@platform/auth-kit';
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
      const values = metadata.get('authorization');
      // two authorization values are ambiguous: which one did the gateway check? Accept exactly one.
      if (values.length > 1) throw new TokenError('malformed');
      const [value] = values;
      const verified = await verifier.verify(bearerToken(typeof value === 'string' ? value : undefined));
      return { userId: verified.subject, token: verified.token };
    },
  };
}
