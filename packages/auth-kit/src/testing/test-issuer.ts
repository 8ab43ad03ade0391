// A real token issuer for tests: a JWKS served over HTTP on loopback and the private keys to sign with.
// The gateway's and the services' tests mint tokens with it instead of mocking verification.
import { generateKeyPair, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_TYPE } from '../access-token.js';

export type TestAlgorithm = 'RS256' | 'ES256';

export interface TestIssuerOptions {
  /** `iss` of minted tokens (default `http://localhost:8080`, the platform's default PUBLIC_URL). */
  issuer?: string;
  /** `aud` of minted tokens (default `platform-api`). */
  audience?: string;
  /** Algorithm `sign` uses unless told otherwise (default RS256). */
  algorithm?: TestAlgorithm;
}

export interface SignOptions {
  algorithm?: TestAlgorithm;
  /** Header `kid`; defaults to the current key's. Set another to test unknown keys (the real key still signs). */
  kid?: string;
  /** Lifetime when `claims.exp` is not given (default 300 s). */
  expiresInSeconds?: number;
  /** More header parameters, e.g. `{ typ: 'JWT' }` or `{ crit: ['x'] }`; `typ` defaults to `at+jwt`. */
  header?: Record<string, unknown>;
}

/** Claims of a minted token. Defaults: iss, aud, sub `user-1`, iat now, exp, jti; a claim set to `undefined` is left out. */
export type TestClaims = Record<string, unknown>;

export interface TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** `http://127.0.0.1:<port>/.well-known/jwks.json` */
  readonly jwksUrl: string;
  /** How many times the JWKS was fetched. */
  readonly requests: number;
  sign(claims?: TestClaims, options?: SignOptions): string;
  /** New current key per algorithm; the JWKS keeps listing the previous one and drops the one before. */
  rotate(): void;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const JWKS_PATH = '/.well-known/jwks.json';

const kidFor = (algorithm: TestAlgorithm) => `${algorithm.toLowerCase()}-${randomUUID()}`;

function generate(algorithm: TestAlgorithm): SigningKey {
  const { privateKey, publicKey } =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { kid: kidFor(algorithm), privateKey, publicKey };
}

// RSA generation takes a few hundred ms: off the event loop and in parallel when starting
async function generateAsync(algorithm: TestAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } =
    algorithm === 'RS256'
      ? await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
      : await promisify(generateKeyPair)('ec', { namedCurve: 'prime256v1' });
  return { kid: kidFor(algorithm), privateKey, publicKey };
}

/** Starts the issuer's JWKS server on 127.0.0.1 and an ephemeral port. Close it in the test that opened it. */
export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const issuer = options.issuer ?? 'http://localhost:8080';
  const audience = options.audience ?? 'platform-api';
  const defaultAlgorithm = options.algorithm ?? 'RS256';
  const algorithms: TestAlgorithm[] = ['RS256', 'ES256'];
  const current = new Map(await Promise.all(algorithms.map(async (alg) => [alg, await generateAsync(alg)] as const)));
  const previous = new Map<TestAlgorithm, SigningKey>();
  let requests = 0;

  const jwks = () => ({
    keys: algorithms.flatMap((alg) =>
      [current.get(alg), previous.get(alg)]
        .filter((key): key is SigningKey => key !== undefined)
        .map((key) => ({ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg, use: 'sig' })),
    ),
  });

  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === JWKS_PATH) {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks()));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${port}${JWKS_PATH}`,
    get requests() {
      return requests;
    },
    sign(claims = {}, signOptions = {}) {
      const algorithm = signOptions.algorithm ?? defaultAlgorithm;
      const key = current.get(algorithm)!;
      const iat = Math.floor(Date.now() / 1000);
      const payload: TestClaims = {
        iss: issuer,
        aud: audience,
        sub: 'user-1',
        roles: [],
        jti: randomUUID(),
        iat,
        exp: iat + (signOptions.expiresInSeconds ?? 300),
        ...claims,
      };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      const header = { typ: ACCESS_TOKEN_TYPE, ...signOptions.header } as unknown as jwt.JwtHeader;
      return jwt.sign(payload, key.privateKey, {
        algorithm,
        keyid: signOptions.kid ?? key.kid,
        header,
        // jsonwebtoken would add an iat where a test left it out (and drops the payload's own with this set)
        noTimestamp: payload.iat === undefined,
      });
    },
    rotate() {
      for (const alg of algorithms) {
        previous.set(alg, current.get(alg)!);
        current.set(alg, generate(alg));
      }
    },
    async close() {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // keep-alive connections of verifiers would otherwise hold close() open
      server.closeAllConnections();
      await closed;
    },
  };
}
