// The OpenAPI 3 document of the public API (GET /openapi.json) and its docs page (/docs), generated from the route
// schemas; the ops routes (/healthz, /readyz, /metrics) are registered before this plugin and so are not listed.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type ProblemBody, problemSchema } from '@platform/service-kit';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import Type from 'typebox';
import { addEdgeResponses, type OpenApiDocument } from './openapi-edge.js';

/** Response schemas for the problem answers a route can give, by status code. */
export function problemResponses<const Codes extends readonly number[]>(...codes: Codes) {
  const problem = Type.Unsafe<ProblemBody>({ $ref: `${problemSchema.$id}#` });
  return Object.fromEntries(codes.map((code) => [code, problem])) as { [K in Codes[number]]: typeof problem };
}

/** Security requirement of routes that need a Bearer access token. */
export const bearerSecurity = [{ bearer: [] }];

/** The API's one server: the platform's public URL; x-internal: false says it is the public API's (OWASP API9). */
const publicServer = (url: string) =>
  ({
    url,
    description: "The platform's public address (PUBLIC_URL) in the deployment that serves this document",
    'x-internal': false,
  }) as { url: string; description: string };

export interface OpenApiOptions {
  /** PUBLIC_URL: the document's server, the address clients call (and the issuer of the tokens it takes). */
  publicUrl: string;
}

/** Security requirement of the public routes: none, said explicitly. */
export const publicSecurity: typeof bearerSecurity = [];

/**
 * For routes whose bodies another service validates (auth owns its rules: one owner, no drift): the schema is kept
 * for the document, and the gateway lets the body through to be checked there.
 */
export const documentedOnly: FastifySchemaCompiler<unknown> = () => () => true;

export const openapi = fastifyPlugin(
  async (app: FastifyInstance, { publicUrl }: OpenApiOptions) => {
    app.addSchema(problemSchema);
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Platform API',
          version: '1',
          description:
            'The public HTTP API of the platform. Errors are RFC 9457 problem details; every answer of a route ' +
            'carries the rate-limit headers.',
          license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        },
        servers: [publicServer(publicUrl)],
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'An access token from /api/auth/login: RS256 or ES256 only, kid, iss, aud, exp of at most 15 ' +
                'minutes, verified as RFC8725 (JWT best current practices) asks.',
            },
          },
        },
      },
      transformObject: (document) =>
        'openapiObject' in document
          ? (addEdgeResponses(document.openapiObject as OpenApiDocument) as typeof document.openapiObject)
          : document.swaggerObject,
      // name shared schemas by their $id in the document (`Problem`), not `def-0`
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi', fastify: '5.x' },
);
