// The gateway's catalog reads over HTTP/1.1 JSON instead of gRPC, for scenario 2 only: one pooled keep-alive undici
// client to the catalog's HTTP face (catalog-http.main.ts), a deadline per call, the request id passed on, and the
// answers turned into the same failures as a gRPC status would be (service-kit's kinds), so the gateway answers
// alike. Benchmark code: the platform itself reads the catalog over gRPC only.
import type { CatalogClient } from '@platform/gateway';
import { DomainError, REQUEST_ID_HEADER } from '@platform/service-kit';
import { errors, Pool } from 'undici';

export interface CatalogHttpClientOptions {
  /** e.g. http://127.0.0.1:9101 (the HTTP face's port) */
  baseUrl: string;
  deadlineMs: number;
  /** Kept-alive connections to catalog at most. */
  connections?: number;
}

export interface CatalogHttpClient extends CatalogClient {
  close(): Promise<void>;
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
      throw failureOfTransport(error);
    }
    const text = await response.body.text();
    if (response.statusCode === 200) return JSON.parse(text) as T;
    throw failureOfStatus(response.statusCode, text);
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

/** As service-kit's failureFromGrpc does for gRPC: 4xx keep catalog's detail, 5xx get a fixed text. */
function failureOfStatus(status: number, text: string): Error {
  if (status === 400 || status === 404) {
    let detail = 'The request was refused';
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {}
    return new DomainError(status === 404 ? 'not-found' : 'invalid-input', detail);
  }
  if (status === 503) return new DomainError('unavailable', 'A service the request needs is unavailable; retry later');
  return new Error(`catalog answered ${status}`);
}

function failureOfTransport(error: unknown): DomainError {
  const timedOut =
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  return timedOut
    ? new DomainError('deadline', 'A service the request needs did not answer in time', { cause: error })
    : new DomainError('unavailable', 'A service the request needs is unavailable; retry later', { cause: error });
}
