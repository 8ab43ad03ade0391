// WatchProducts: tells the readers that keep a copy of the product list (the gateway) when to drop it. Every open
// stream gets the catalog copy's state at once, again at each change (an invalidation by a write here, a NOTIFY of
// another replica's, the LISTEN connection lost or back), and as a heartbeat when nothing changed, so a reader can
// tell a quiet catalog from a lost stream. Shutdown ends every stream first, so the gRPC drain is not held open.
import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { catalogV1 } from '@platform/contracts';
import type { BackgroundWork } from '@platform/service-kit';

type WatchCall = ServerWritableStream<catalogV1.WatchProductsRequest, catalogV1.WatchProductsResponse>;

/** What the watch needs of the product cache (product-cache.ts); without one, nothing may be copied. */
export interface WatchedCache {
  readonly listening: boolean;
  readonly generation: number;
  onChange(listener: () => void): () => void;
}

export interface ProductWatchOptions {
  /** The catalog's copy (PRODUCT_CACHE); undefined when it keeps none, so every message says not coherent. */
  cache: WatchedCache | undefined;
  /** The most time between two messages of a stream (WATCH_HEARTBEAT_MS). */
  heartbeatMs: number;
}

export interface ProductWatch extends BackgroundWork {
  /** CatalogService.WatchProducts. */
  handle(call: WatchCall): void;
  /** Streams open now. */
  readonly watchers: number;
}

export function createProductWatch({ cache, heartbeatMs }: ProductWatchOptions): ProductWatch {
  // versions of this process never equal another's: a reader that reconnects to another replica drops its copy
  const instance = randomUUID().slice(0, 8);
  const calls = new Set<WatchCall>();
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;

  const state = (): catalogV1.WatchProductsResponse => ({
    version: cache ? `${instance}.${cache.generation}` : '',
    coherent: cache?.listening ?? false,
    heartbeatMs,
  });
  const send = (call: WatchCall, message: catalogV1.WatchProductsResponse) => {
    // a closed stream drops the write; the message is a few bytes, so a slow reader's buffer is not a concern
    if (!call.cancelled && call.writable) call.write(message);
  };
  const broadcast = () => {
    const message = state();
    for (const call of calls) send(call, message);
  };

  return {
    name: 'product watchers',
    start() {
      unsubscribe = cache?.onChange(broadcast);
      heartbeat = setInterval(broadcast, heartbeatMs);
      heartbeat.unref();
    },
    stop() {
      stopped = true;
      clearInterval(heartbeat);
      unsubscribe?.();
      for (const call of calls) call.end();
      calls.clear();
    },
    handle(call) {
      // a stream opened while shutting down would hold the gRPC drain open until its deadline
      if (stopped) {
        call.end();
        return;
      }
      calls.add(call);
      const forget = () => calls.delete(call);
      call.on('cancelled', forget);
      call.on('close', forget);
      call.on('error', forget);
      send(call, state());
    },
    get watchers() {
      return calls.size;
    },
  };
}
