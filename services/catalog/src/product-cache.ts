// The catalog's products held in memory, so a read costs no query, and kept coherent with every change: the
// catalog's own writes invalidate it, other replicas' writes reach it through PostgreSQL LISTEN/NOTIFY, and
// while the LISTEN connection is down nothing is cached (a missed notification can never leave a stale copy).
import type { Logger } from '@platform/service-kit';
import pg from 'pg';

/** Notified (by migration 3's trigger) after every committed statement that changes catalog.products. */
export const PRODUCTS_CHANGED_CHANNEL = 'catalog_products_changed';

export interface ProductCacheOptions<P extends { readonly id: string }> {
  /** The products as the database has them now: every product, in the list's order. */
  loadAll: () => Promise<P[]>;
  /** One product from the database, for reads while nothing may be cached. */
  loadOne: (id: string) => Promise<P | undefined>;
  /** Where to LISTEN: the catalog's database, on a connection of the cache's own. */
  connectionString: string;
  logger: Logger;
  /** Wait before listening again after the connection was lost (default 1000 ms). */
  relistenDelayMs?: number;
}

export interface ProductCache<P> {
  list(): Promise<readonly P[]>;
  get(id: string): Promise<P | undefined>;
  /** Drops the copy; a load begun before this call is not kept. Call after a write commits. */
  invalidate(): void;
  /** Connects and listens; resolves once listening, or once the first try failed (it keeps trying). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** True while notifications can reach the cache, the only time it keeps a copy. */
  readonly listening: boolean;
  /**
   * Moves on at every invalidation and every change of `listening`: a copy made elsewhere (the gateway's, through
   * WatchProducts) is current only while the generation it was made under is.
   */
  readonly generation: number;
  /** Called after every change of `generation`; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** The LISTEN connection's backend pid, while connected (for tests and operators). */
  readonly listenerPid: number | undefined;
}

interface Snapshot<P> {
  list: readonly P[];
  byId: ReadonlyMap<string, P>;
}

export function createProductCache<P extends { readonly id: string }>(
  options: ProductCacheOptions<P>,
): ProductCache<P> {
  const { loadAll, loadOne, connectionString, logger } = options;
  const relistenDelayMs = options.relistenDelayMs ?? 1000;
  // Every invalidation, lost connection and new LISTEN moves the generation on. A load keeps its result only if
  // the generation did not move while it ran: a write that committed meanwhile may not be in it.
  let generation = 0;
  let snapshot: Snapshot<P> | undefined;
  let inflight: { generation: number; promise: Promise<Snapshot<P>> } | undefined;
  let listener: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let relistenTimer: NodeJS.Timeout | undefined;
  const listeners = new Set<() => void>();

  const invalidate = () => {
    generation += 1;
    snapshot = undefined;
    for (const listener of listeners) listener();
  };

  const load = (): Promise<Snapshot<P>> => {
    // a caller may only share a load that began after the last invalidation it could have seen
    if (inflight?.generation === generation) return inflight.promise;
    const startedAt = generation;
    const promise = loadAll().then((products) => {
      const list = Object.freeze(products.map((product) => Object.freeze(product)));
      const loaded = { list, byId: new Map(list.map((product) => [product.id, product])) };
      if (generation === startedAt && listening) snapshot = loaded;
      return loaded;
    });
    inflight = { generation: startedAt, promise };
    const clear = () => {
      if (inflight?.promise === promise) inflight = undefined;
    };
    promise.then(clear, clear);
    return promise;
  };

  const lost = (reason: string, error?: unknown) => {
    if (!listening && listener === undefined) return;
    listening = false;
    invalidate();
    const client = listener;
    listener = undefined;
    client?.removeAllListeners('notification');
    client?.end().catch(() => {});
    if (closed) return;
    logger.warn(
      { err: error, reason },
      'product cache: LISTEN connection lost; reading from the database until it is back',
    );
    scheduleRelisten();
  };

  const scheduleRelisten = () => {
    if (closed || relistenTimer) return;
    relistenTimer = setTimeout(() => {
      relistenTimer = undefined;
      void listen();
    }, relistenDelayMs);
    relistenTimer.unref();
  };

  const listen = async (): Promise<void> => {
    const client = new pg.Client({
      connectionString,
      application_name: 'catalog-product-cache',
      // a peer that vanished without closing the connection is noticed, not waited on for ever
      keepAlive: true,
    });
    listener = client;
    client.on('error', (error) => lost('error', error));
    client.on('end', () => lost('end'));
    client.on('notification', (message) => {
      if (message.channel === PRODUCTS_CHANGED_CHANNEL) invalidate();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PRODUCTS_CHANGED_CHANNEL}`);
    } catch (error) {
      if (listener === client) {
        listener = undefined;
        client.removeAllListeners('end');
        client.end().catch(() => {});
        if (!closed) {
          logger.warn({ err: error }, 'product cache: cannot LISTEN; reading from the database meanwhile');
          scheduleRelisten();
        }
      }
      return;
    }
    if (closed || listener !== client) {
      await client.end().catch(() => {});
      return;
    }
    // anything loaded before now may predate a change nobody was there to hear about
    listening = true;
    invalidate();
    logger.debug('product cache: listening');
  };

  return {
    async list() {
      if (snapshot) return snapshot.list;
      if (!listening) return loadAll();
      return (await load()).list;
    },
    async get(id) {
      if (snapshot) return snapshot.byId.get(id);
      if (!listening) return loadOne(id);
      return (await load()).byId.get(id);
    },
    invalidate,
    start: listen,
    async close() {
      closed = true;
      clearTimeout(relistenTimer);
      listening = false;
      invalidate();
      const client = listener;
      listener = undefined;
      if (client) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
      }
    },
    get listening() {
      return listening;
    },
    get generation() {
      return generation;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listenerPid() {
      return listener ? (listener as unknown as { processID?: number }).processID : undefined;
    },
  };
}
