// Knowing when a server that was just started can serve: it answers a query (not merely accepts a TCP connection,
// which it does while still recovering from a crash).
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface WaitAcceptingOptions {
  timeoutMs: number;
  /** Aborting ends the wait with the signal's reason, e.g. when the server process exited. */
  signal?: AbortSignal;
}

export async function waitUntilAccepting(url: string, { timeoutMs, signal }: WaitAcceptingOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    signal?.throwIfAborted();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      last = (error as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${last}`);
    await sleep(50, undefined, signal ? { signal } : undefined);
  }
}
