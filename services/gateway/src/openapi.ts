// The OpenAPI 3 document of the public API (GET /openapi.json) and its docs page (/docs), generated from the route
// schemas; the ops routes (/healthz, /readyz, /metrics) are registered before this plugin and so are not listed.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type ProblemBody, problemSchema } from '@platform/service-kit';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import Type from 'typebox';

/** Response schemas for the problem answers a route can give, by status code. */
export function problemResponses<const Codes extends readonly number[]>(...codes: Codes) {
  const problem = Type.Unsafe<ProblemBody>({ $ref: `${problemSchema.$id}#` });
  return Object.fromEntries(codes.map((code) => [code, problem])) as { [K in Codes[number]]: typeof problem };
}

/** Security requirement of routes that need a Bearer access token. */
export const bearerSecurity = [{ bearer: [] }];

/**
 * For routes whose bodies another service validates (auth owns its rules: one owner, no drift): the schema is kept
 * for the document, and the gateway lets the body through to be checked there.
 */
export const documentedOnly: FastifySchemaCompiler<unknown> = () => () => true;

export const openapi = fastifyPlugin(
  async (app: FastifyInstance) => {
    app.addSchema(problemSchema);
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Platform API',
          version: '1',
          description: 'The public HTTP API of the platform. Errors are RFC 9457 problem details.',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      // name shared schemas by their $id in the document (`Problem`), not `def-0`
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi', fastify: '5.x' },
);
