// What the gateway's edge adds to every operation of the OpenAPI document, stated once instead of on every route:
// the rate-limit headers every limited answer carries (and Retry-After on a 429), CORS's Access-Control-Allow-Origin
// when CORS_ORIGINS allows the caller, the problem answers any route can
// give (400 for a request that fails its schema, 401 on a route that needs a token, 429, 500), and problem details
// under their own media type.
import { PROBLEM_CONTENT_TYPE } from '@platform/service-kit';

const PROBLEM_REF = '#/components/schemas/Problem';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const counter = (description: string) => ({
  description,
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 },
});

/** @fastify/rate-limit's headers, on every answer of a limited route (all but the ops routes). */
export const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': counter('Requests allowed per window for this client'),
  'X-RateLimit-Remaining': counter('Requests left in the current window'),
  'X-RateLimit-Reset': counter('Seconds until the window resets'),
} as const;

const RETRY_AFTER = { 'Retry-After': counter('Seconds to wait before retrying') };

/** @fastify/cors answers an allowed Origin on every response; with CORS_ORIGINS empty (the default) it never does. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: 'The request Origin, only when CORS_ORIGINS lists it',
    schema: { type: 'string', format: 'uri', maxLength: 2_048 },
  },
};

const EDGE_PROBLEMS: Record<string, string> = {
  400: 'The request is malformed or fails its schema (unknown fields included)',
  401: 'No valid access token (WWW-Authenticate: Bearer)',
  429: 'Over the rate limit; retry after Retry-After seconds',
  500: 'An unexpected failure; nothing about it is disclosed',
};

interface Response {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: { $ref?: string } }>;
}
interface Operation {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, Response>;
}
export interface OpenApiDocument {
  paths?: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

export function addEdgeResponses<T extends OpenApiDocument>(document: T): T {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses ??= {};
      const responses = operation.responses;
      const validated = operation.requestBody !== undefined || (operation.parameters?.length ?? 0) > 0;
      const guarded = (operation.security ?? []).some((requirement) => Object.keys(requirement ?? {}).length > 0);
      for (const [status, description] of Object.entries(EDGE_PROBLEMS)) {
        if (status === '400' && !validated) continue;
        if (status === '401' && !guarded) continue;
        responses[status] ??= { description, content: { 'application/json': { schema: { $ref: PROBLEM_REF } } } };
      }
      for (const [status, response] of Object.entries(responses)) {
        const problem = response.content?.['application/json']?.schema?.$ref === PROBLEM_REF;
        if (problem) {
          response.content = { [PROBLEM_CONTENT_TYPE]: response.content!['application/json']! };
          response.description = EDGE_PROBLEMS[status] ?? response.description;
        }
        const limited = /^[24]/.test(status) ? { ...RATE_LIMIT_HEADERS, ...(status === '429' ? RETRY_AFTER : {}) } : {};
        response.headers = { ...CORS_HEADERS, ...limited, ...response.headers };
      }
    }
  }
  return document;
}
