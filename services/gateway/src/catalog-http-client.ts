// The catalog reads over HTTP/1.1 JSON (catalog's `GET /internal/products[/:id]` on its ops port) instead of gRPC,
// chosen with CATALOG_TRANSPORT=http: one pooled keep-alive undici client, a deadline per call, the request id
// passed on, and the answers mapped to the same messages and HTTP problems as the gRPC client's.
import { HttpProblem, REQUEST_ID_HEADER } from '@platform/service-kit';
import { errors, Pool } from 'undici';
import type { CatalogClient } from './grpc-clients.js';

export interface CatalogHttpClientOptions {
  /** e.g. http://127.0.0.1:9101 (catalog's ops port) */
  baseUrl: string;
  deadlineMs: number;
  /** Kept-alive connections to catalog at most. */
  connections?: number;
}

export interface CatalogHttpClient extends CatalogClient {
  close(): Promise<void>;
}

export function createCatalogHttpClient({
  baseUrl,
  deadlineMs,
  connections = 32,
}: CatalogHttpClientOptions): CatalogHttpClient {
  const pool = new Pool(new URL(baseUrl).origin, { connections, keepAliveTimeout: 30_000, pipelining: 1 });
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');

  async function get<T>(path: string, requestId: string): Promise<T> {
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await pool.request({
        method: 'GET',
        path: basePath + path,
        headers: { [REQUEST_ID_HEADER]: requestId, accept: 'application/json' },
        headersTimeout: deadlineMs,
        bodyTimeout: deadlineMs,
        signal: AbortSignal.timeout(deadlineMs),
      });
    } catch (error) {
      throw withCause(problemFromFailure(error), error);
    }
    const text = await response.body.text();
    if (response.statusCode === 200) return JSON.parse(text) as T;
    throw problemFromStatus(response.statusCode, text);
  }

  return {
    async listProducts(_request, caller) {
      const { items } = await get<{ items: CatalogProduct[] }>('/internal/products', caller.requestId);
      return { products: items };
    },
    async getProduct(request, caller) {
      const product = await get<CatalogProduct>(
        `/internal/products/${encodeURIComponent(request.id)}`,
        caller.requestId,
      );
      return { product };
    },
    close: () => pool.close(),
  };
}

interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
}

/** As grpc-status.ts does for gRPC: 4xx keep catalog's detail, 5xx get a fixed text. */
function problemFromStatus(status: number, text: string): HttpProblem {
  if (status === 400 || status === 404) {
    let detail = 'The request was refused';
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {}
    return new HttpProblem(status, detail);
  }
  if (status === 503) {
    return new HttpProblem(503, 'A service the request needs is unavailable; retry later', {
      headers: { 'retry-after': '1' },
    });
  }
  return new HttpProblem(500, 'An unexpected error occurred');
}

function problemFromFailure(error: unknown): HttpProblem {
  const timedOut =
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  if (timedOut) return new HttpProblem(504, 'A service the request needs did not answer in time');
  return new HttpProblem(503, 'A service the request needs is unavailable; retry later', {
    headers: { 'retry-after': '1' },
  });
}

// keeps the transport error for the log line of a 5xx answer
function withCause<E extends Error>(problem: E, cause: unknown): E {
  problem.cause = cause;
  return problem;
}
