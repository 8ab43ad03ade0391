// Keeps each connection's extended-protocol batch (Parse/Bind/Describe/Execute … Sync) together on PGlite's one
// session. pglite-socket queues every wire message on its own and only keeps a connection's messages together
// inside a transaction, so two pools' parameterised queries could interleave and lose their unnamed statements.
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

type Enqueue = (handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) => Promise<number>;
interface QueryQueue {
  enqueue: Enqueue;
  clearQueueForHandler(handlerId: number): void;
}

/** Frontend message types that continue a batch: the session is only free again after Sync (or a simple Query). */
const CONTINUES_BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * Wraps the server's query queue so a connection that starts a batch owns the session until its batch ends and no
 * transaction is open. Relies on pglite-socket's internal `queryQueue` (pinned version); fails loudly if it moved.
 */
export function keepBatchesTogether(server: PGLiteSocketServer, db: PGlite): void {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || typeof queue.enqueue !== 'function' || typeof queue.clearQueueForHandler !== 'function') {
    throw new Error('pglite-socket internals changed: cannot keep protocol batches together');
  }
  const enqueue = queue.enqueue.bind(queue);
  const clear = queue.clearQueueForHandler.bind(queue);
  let owner: number | undefined;
  let waiting: (() => void)[] = [];
  const release = () => {
    owner = undefined;
    const wake = waiting;
    waiting = [];
    for (const resume of wake) resume();
  };

  queue.enqueue = async (handlerId, message, onData) => {
    while (owner !== undefined && owner !== handlerId) {
      await new Promise<void>((resume) => waiting.push(resume));
    }
    owner = handlerId;
    try {
      return await enqueue(handlerId, message, onData);
    } finally {
      const type = message[0] ?? 0;
      if (!CONTINUES_BATCH.has(type) && !db.isInTransaction()) release();
    }
  };
  // a connection that goes away mid-batch must not keep the session
  queue.clearQueueForHandler = (handlerId) => {
    clear(handlerId);
    if (owner === handlerId) release();
  };
}
