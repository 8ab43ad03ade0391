// The gateway's copy of the product list, so a public read makes no hop to catalog. It is kept only while catalog's
// WatchProducts stream says the catalog's own copy is coherent and still the version this one was made under; a
// new version, a "not coherent", two heartbeats of silence or the end of the stream drop it, and every write the
// gateway forwards to orders drops it too (read-your-writes through this gateway, before any message could say so).
// Meanwhile reads go to catalog, as they would with no copy.
import { type ClientReadableStream, status } from '@grpc/grpc-js';
import type { catalogV1 } from '@platform/contracts';
import type { BackgroundWork, Logger } from '@platform/service-kit';
import { Counter, Gauge, type Registry } from 'prom-client';

export type WatchProducts = () => ClientReadableStream<catalogV1.WatchProductsResponse>;

export interface ProductListCopyOptions {
  /** Opens catalog's WatchProducts stream. */
  watch: WatchProducts;
  logger: Logger;
  /** Wait before opening the stream again after it failed or ended (default 1000 ms). */
  rewatchDelayMs?: number;
  /** Wait when catalog has no WatchProducts (an older catalog during a rollout; default 30 s). */
  unimplementedDelayMs?: number;
  /** Where its metrics go: reads by where they were answered from, and whether a copy may be kept. */
  registry?: Registry;
}

export interface ProductListCopy<T> extends BackgroundWork {
  /** The copy while it is current, else what `fetch` gets from catalog (kept if nothing changed meanwhile). */
  read(fetch: () => Promise<T>): Promise<T>;
  /** The copy while it is current, without asking catalog for one (a read of one product looks in it). */
  current(): T | undefined;
  /** Drops the copy: a write went through that may have changed stock. */
  invalidate(): void;
  start(): void;
  stop(): void;
  /** True while a copy may be kept (the stream is live and says coherent). */
  readonly live: boolean;
}

export function createProductListCopy<T>(options: ProductListCopyOptions): ProductListCopy<T> {
  const { watch, logger } = options;
  const rewatchDelayMs = options.rewatchDelayMs ?? 1_000;
  const unimplementedDelayMs = options.unimplementedDelayMs ?? 30_000;
  // moves on at every drop; a fetch keeps its answer only if it did not move while the fetch ran
  let generation = 0;
  let copy: { value: T } | undefined;
  // concurrent reads after a drop share one fetch, so a write under heavy reads costs catalog one call
  let inflight: { generation: number; promise: Promise<T> } | undefined;
  let version: string | undefined;
  let live = false;
  let stream: ClientReadableStream<catalogV1.WatchProductsResponse> | undefined;
  let silence: NodeJS.Timeout | undefined;
  let rewatch: NodeJS.Timeout | undefined;
  let stopped = true;
  const registers = options.registry ? [options.registry] : [];
  const reads = new Counter({
    name: 'gateway_product_list_reads_total',
    help: "Product list reads, by where they were answered from (copy: the gateway's own; catalog: a gRPC call).",
    labelNames: ['source'] as const,
    registers,
  });
  // the two series, looked up once rather than by label on every read
  const readsFromCopy = reads.labels('copy');
  const readsFromCatalog = reads.labels('catalog');
  new Gauge({
    name: 'gateway_product_list_copy_live',
    help: "1 while catalog's WatchProducts lets the gateway keep a copy of the product list, else 0.",
    registers,
    collect() {
      this.set(live ? 1 : 0);
    },
  });

  const drop = () => {
    generation += 1;
    copy = undefined;
  };

  const lose = (reason: string, delayMs = rewatchDelayMs) => {
    live = false;
    version = undefined;
    drop();
    clearTimeout(silence);
    const lost = stream;
    stream = undefined;
    if (lost) {
      lost.removeAllListeners();
      lost.on('error', () => {}); // the cancel below ends it with CANCELLED
      lost.cancel();
    }
    if (stopped || rewatch) return;
    logger.debug({ reason }, 'product list copy: catalog watch lost; reading from catalog meanwhile');
    rewatch = setTimeout(() => {
      rewatch = undefined;
      open();
    }, delayMs);
    rewatch.unref();
  };

  const onMessage = (message: catalogV1.WatchProductsResponse) => {
    clearTimeout(silence);
    silence = setTimeout(() => lose('silent for two heartbeats'), 2 * Math.max(message.heartbeatMs, 100));
    silence.unref();
    if (!message.coherent) {
      live = false;
      version = undefined;
      drop();
      return;
    }
    if (message.version !== version) {
      version = message.version;
      drop();
    }
    live = true;
  };

  const open = () => {
    if (stopped) return;
    const opened = watch();
    stream = opened;
    opened.on('data', (message: catalogV1.WatchProductsResponse) => {
      if (stream === opened) onMessage(message);
    });
    opened.on('error', (error: { code?: number }) => {
      if (stream !== opened) return;
      const unimplemented = error.code === status.UNIMPLEMENTED;
      lose(unimplemented ? 'catalog has no WatchProducts' : 'error', unimplemented ? unimplementedDelayMs : undefined);
    });
    opened.on('end', () => {
      if (stream === opened) lose('ended');
    });
  };

  return {
    async read(fetch) {
      if (live && copy) {
        readsFromCopy.inc();
        return copy.value;
      }
      readsFromCatalog.inc();
      if (!live) return fetch();
      if (inflight?.generation === generation) return inflight.promise;
      const startedAt = generation;
      const promise = fetch().then((value) => {
        if (live && generation === startedAt) copy = { value };
        return value;
      });
      inflight = { generation: startedAt, promise };
      const clear = () => {
        if (inflight?.promise === promise) inflight = undefined;
      };
      promise.then(clear, clear);
      return promise;
    },
    current() {
      return live && copy ? copy.value : undefined;
    },
    invalidate: drop,
    name: 'product list copy',
    start() {
      if (!stopped) return;
      stopped = false;
      open();
    },
    stop() {
      stopped = true;
      clearTimeout(rewatch);
      rewatch = undefined;
      lose('stopped');
    },
    get live() {
      return live;
    },
  };
}
