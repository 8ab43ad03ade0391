// Who is calling a gRPC method: the one bearer token of the call's `authorization` metadata, verified, and for a
// service-to-service call the OAuth client it was issued to (RFC 9068), checked against the clients allowed.
import { bearerToken } from './bearer-token.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { TokenError } from './token-error.js';
import type { VerifiedToken } from './verified-token.js';

/** The part of grpc-js's `Metadata` this reads; auth-kit does not depend on grpc-js. */
export interface CallMetadata {
  get(key: string): readonly (string | Buffer)[];
}

export interface GrpcCallerOptions {
  verifier: JwtVerifier;
  /**
   * Set for methods only services may call: the token must be an access token issued to one of these OAuth clients
   * (header `typ` `at+jwt`, claim `client_id` equal to `sub`). Unset: any verified token (an end user's).
   */
  allowedClients?: readonly string[];
}

export interface GrpcCaller extends VerifiedToken {
  /** `client_id`: the OAuth client the token was issued to; undefined for an end user's token. */
  readonly clientId: string | undefined;
}

/** A valid token of a client that may not call this method: PERMISSION_DENIED, not UNAUTHENTICATED. */
export class CallerNotAllowedError extends Error {
  override readonly name = 'CallerNotAllowedError';
  /** service-kit's failure kind: 403 / PERMISSION_DENIED. */
  readonly kind = 'forbidden';
  constructor(readonly clientId: string) {
    super('This client may not call this method');
  }
}

// RFC 9068 section 4: "at+jwt", also in its full media type form
const ACCESS_TOKEN_TYPE = /^(application\/)?at\+jwt$/i;

/**
 * Resolves with the verified caller, or rejects with a TokenError (UNAUTHENTICATED: no, several or a bad
 * `authorization` value, or not a service token where one is required) or a CallerNotAllowedError.
 */
export async function authenticateGrpcCaller(
  metadata: CallMetadata,
  { verifier, allowedClients }: GrpcCallerOptions,
): Promise<GrpcCaller> {
  const values = metadata.get('authorization');
  // two values are ambiguous: which one did a proxy in front check? Exactly one is accepted.
  if (values.length > 1) throw new TokenError('malformed');
  const [value] = values;
  const verified = await verifier.verify(bearerToken(typeof value === 'string' ? value : undefined));
  const { header, payload } = decodeVerified(verified.token);
  const clientId = typeof payload.client_id === 'string' && payload.client_id !== '' ? payload.client_id : undefined;
  if (allowedClients === undefined) return Object.freeze({ ...verified, clientId });

  // a service token says what it is and whom it was issued to; anything else (an end user's token) is not one
  if (typeof header.typ !== 'string' || !ACCESS_TOKEN_TYPE.test(header.typ)) throw new TokenError('claims');
  if (clientId === undefined || clientId !== verified.subject) throw new TokenError('claims');
  if (!allowedClients.includes(clientId)) throw new CallerNotAllowedError(clientId);
  return Object.freeze({ ...verified, clientId });
}

/** Header and claims of a token the verifier has just accepted (so it is well formed). */
function decodeVerified(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  const parse = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}
