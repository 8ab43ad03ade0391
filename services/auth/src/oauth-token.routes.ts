// POST /oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) for the platform's own services,
// client authentication by HTTP Basic (client_secret_basic, section 2.3.1), errors as section 5.2 says. Internal:
// the gateway does not route it, so only services inside the platform's network reach it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { ClientRegistry, RegisteredClient } from './client-registry.js';
import type { ClientTokens } from './client-tokens.js';

export interface OAuthTokenRoutesOptions {
  clients: ClientRegistry;
  tokens: ClientTokens;
}

type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'server_error';

/** An error answer of the token endpoint, in the shape RFC 6749 section 5.2 requires (not a problem document). */
class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    description: string,
    readonly status = code === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
  }
}

const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
  },
  { additionalProperties: false },
);
const ErrorResponse = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { additionalProperties: false },
);

const FORM = 'application/x-www-form-urlencoded';
// the realm a client's Basic credentials belong to, in the challenge of a 401
const CHALLENGE = 'Basic realm="platform", charset="UTF-8"';
/** Parameters this endpoint knows; any other is ignored, as RFC 6749 section 3.2 asks. */
const SINGLE_VALUED = ['grant_type', 'scope', 'resource', 'client_id', 'client_secret'];

export const oauthTokenRoutes: FastifyPluginAsyncTypebox<OAuthTokenRoutesOptions> = async (
  app,
  { clients, tokens },
) => {
  // the form body is read here only, as text, so a duplicate parameter is seen rather than merged or dropped
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
    done(null, new URLSearchParams(body as string));
  });

  // everything this route refuses, fastify's own refusals included (wrong media type, body too large), is answered
  // as an OAuth error, never cached
  app.setErrorHandler((error, request, reply) => {
    const oauth =
      error instanceof OAuthError
        ? error
        : (error as { statusCode?: number }).statusCode === 413
          ? new OAuthError('invalid_request', 'The request body is too large', 413)
          : ((error as { statusCode?: number }).statusCode ?? 500) < 500
            ? new OAuthError('invalid_request', 'The request must be an application/x-www-form-urlencoded form')
            : new OAuthError('server_error', 'The token could not be issued', 500);
    if (oauth.status >= 500) request.log.error({ err: error }, 'token request failed');
    else request.log.warn({ error: oauth.code, reason: oauth.message }, 'token request refused');
    if (oauth.status === 401) reply.header('www-authenticate', CHALLENGE);
    return noStore(reply).code(oauth.status).send({ error: oauth.code, error_description: oauth.message });
  });

  app.post(
    '/oauth/token',
    {
      bodyLimit: 4_096,
      schema: {
        summary: 'A service access token for a registered client (OAuth 2.0 client credentials)',
        response: { 200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (!(request.body instanceof URLSearchParams)) {
        throw new OAuthError('invalid_request', 'The request must be an application/x-www-form-urlencoded form');
      }
      const form = request.body;
      for (const name of SINGLE_VALUED) {
        if (form.getAll(name).length > 1) throw new OAuthError('invalid_request', `${name} is given more than once`);
      }
      const client = authenticateClient(request.headers.authorization, clients);
      // RFC 6749 section 2.3: one authentication method per request; this endpoint takes client_secret_basic only
      if (form.has('client_secret')) {
        throw new OAuthError('invalid_request', 'Authenticate with HTTP Basic only, not with client_secret');
      }
      const bodyClientId = param(form, 'client_id');
      if (bodyClientId !== undefined && bodyClientId !== client.clientId) {
        throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
      }
      const grantType = param(form, 'grant_type');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported');
      }
      // the platform defines no scopes: what a service may do follows from the audience and the client
      if (param(form, 'scope') !== undefined) throw new OAuthError('invalid_scope', 'No scopes are defined');
      const audience = audienceOf(client, param(form, 'resource'));

      const token = tokens.sign(client.clientId, audience);
      request.log.info({ clientId: client.clientId, audience }, 'service token issued');
      return noStore(reply).send({ access_token: token, token_type: 'Bearer', expires_in: tokens.ttlSeconds });
    },
  );
};

/** RFC 6749 section 3.2: a parameter sent without a value is treated as omitted. */
function param(form: URLSearchParams, name: string): string | undefined {
  const value = form.get(name);
  return value === null || value === '' ? undefined : value;
}

/** RFC 6749 section 5.1: token responses, and so their errors, must never be cached. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** client_secret_basic (RFC 6749 section 2.3.1): both parts form-urlencoded, then Basic. */
function authenticateClient(header: string | undefined, clients: ClientRegistry): RegisteredClient {
  const match = header === undefined ? null : /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match?.[1]) throw new OAuthError('invalid_client', 'Client authentication with HTTP Basic is required');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new OAuthError('invalid_client', 'Client authentication failed');
  let clientId: string;
  let secret: string;
  try {
    clientId = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    throw new OAuthError('invalid_client', 'Client authentication failed');
  }
  const client = clients.authenticate(clientId, secret);
  // the same answer for an unknown client and a wrong secret
  if (!client) throw new OAuthError('invalid_client', 'Client authentication failed');
  return client;
}

const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

/**
 * The token's audience: the `resource` asked for (RFC 8707) when the client may have it, else the client's first
 * audience. The platform names its services (`catalog`) rather than giving them URIs; `resource` is compared as is.
 */
function audienceOf(client: RegisteredClient, resource: string | undefined): string {
  if (resource === undefined) return client.audiences[0]!;
  if (!client.audiences.includes(resource)) {
    throw new OAuthError('invalid_target', 'This client may not get a token for that resource');
  }
  return resource;
}
