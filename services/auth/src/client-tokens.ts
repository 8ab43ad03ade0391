// Service access tokens of the client-credentials grant: JWTs signed with the key ring's current key, shaped as
// RFC 9068 says (header typ at+jwt; iss, sub = client_id, aud, iat, exp, jti), so a service can tell them from an
// end user's token by type, audience and client, and verify them against the same JWKS.
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { KeyRing } from './signing-keys.js';

export interface ClientTokenSettings {
  issuer: string;
  ttlSeconds: number;
}

export interface ClientTokens {
  /** A token for `clientId` to present to `audience`. */
  sign(clientId: string, audience: string): string;
  readonly ttlSeconds: number;
}

export const ACCESS_TOKEN_TYPE = 'at+jwt';

export function createClientTokens(keys: KeyRing, settings: ClientTokenSettings): ClientTokens {
  return {
    ttlSeconds: settings.ttlSeconds,
    sign(clientId, audience) {
      const { current } = keys;
      return jwt.sign({ client_id: clientId }, current.privateKey, {
        algorithm: current.algorithm,
        keyid: current.kid,
        header: { alg: current.algorithm, typ: ACCESS_TOKEN_TYPE },
        issuer: settings.issuer,
        subject: clientId,
        audience,
        expiresIn: settings.ttlSeconds,
        jwtid: randomUUID(),
      });
    },
  };
}
