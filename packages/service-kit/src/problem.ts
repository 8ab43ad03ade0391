// RFC 9457 problem details: the one error shape every HTTP answer of the platform uses.
import { STATUS_CODES } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

/** An error that knows the HTTP answer it should become; thrown by routes, rendered by the app's error handler. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    detail: string,
    options: {
      type?: string;
      title?: string;
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.title = options.title ?? STATUS_CODES[status] ?? 'Error';
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  toBody(instance?: string): ProblemBody {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
    };
  }
}

/** JSON schema of a problem body, for route response schemas and the OpenAPI document. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', format: 'uri-reference', maxLength: 2_048, description: 'about:blank unless typed' },
    title: { type: 'string', minLength: 1, maxLength: 200, description: "The status code's reason phrase" },
    status: { type: 'integer', format: 'int32', minimum: 100, maximum: 599 },
    detail: { type: 'string', maxLength: 4_096, description: 'What went wrong, for a person to read' },
    instance: { type: 'string', format: 'uri-reference', maxLength: 2_048, description: 'The request path' },
  },
  required: ['type', 'title', 'status', 'detail'],
  // RFC 9457 lets a problem carry extension members; a handful at most
  additionalProperties: true,
  maxProperties: 16,
} as const;
