// A client-credentials token endpoint for the tests, shaped as the auth service's POST /oauth/token (HTTP Basic
// client authentication, a form body, RFC 6749 answers), issuing catalog-audience at+jwt tokens from a test issuer.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestIssuer } from '@platform/auth-kit/testing';

export interface TokenEndpoint {
  /** http://127.0.0.1:<port>/oauth/token */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Token requests answered with a token. */
  readonly issued: number;
  /** Lifetime of the tokens it issues, in seconds (default 300). */
  lifetimeSeconds: number;
  close(): Promise<void>;
}

export async function startTokenEndpoint(issuer: TestIssuer, clientId = 'orders'): Promise<TokenEndpoint> {
  const clientSecret = `secret-of-${clientId}`;
  const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  let issued = 0;
  const endpoint = {
    lifetimeSeconds: 300,
    get issued() {
      return issued;
    },
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const answer = (status: number, json: object) =>
        response
          .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(json));
      if (request.url !== '/oauth/token' || request.method !== 'POST') return answer(404, { error: 'not_found' });
      if (request.headers.authorization !== expected) return answer(401, { error: 'invalid_client' });
      if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') {
        return answer(400, { error: 'unsupported_grant_type' });
      }
      issued++;
      const token = issuer.sign(
        { sub: clientId, client_id: clientId, aud: 'catalog', roles: undefined },
        { header: { typ: 'at+jwt' }, expiresInSeconds: endpoint.lifetimeSeconds },
      );
      answer(200, { access_token: token, token_type: 'Bearer', expires_in: endpoint.lifetimeSeconds });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}/oauth/token`,
    clientId,
    clientSecret,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  });
}
