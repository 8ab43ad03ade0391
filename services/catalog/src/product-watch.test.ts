import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProductWatch, type WatchedCache } from './product-watch.js';

/** A server stream as grpc-js hands it to the handler: what was written, and whether it was ended. */
function fakeCall() {
  const call = Object.assign(new EventEmitter(), {
    cancelled: false,
    writable: true,
    written: [] as { version: string; coherent: boolean; heartbeatMs: number }[],
    ended: false,
    write(message: { version: string; coherent: boolean; heartbeatMs: number }) {
      call.written.push(message);
      return true;
    },
    end() {
      call.ended = true;
      call.writable = false;
    },
  });
  return call;
}

function fakeCache(): WatchedCache & { change(listening?: boolean): void } {
  const listeners = new Set<() => void>();
  const cache = {
    listening: true,
    generation: 1,
    onChange(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change(listening = true) {
      cache.listening = listening;
      cache.generation += 1;
      for (const listener of listeners) listener();
    },
  };
  return cache;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createProductWatch', () => {
  it("sends the cache's state at once, at every change and as a heartbeat", () => {
    vi.useFakeTimers();
    const cache = fakeCache();
    const watch = createProductWatch({ cache, heartbeatMs: 1_000 });
    watch.start();
    const call = fakeCall();
    watch.handle(call as never);
    expect(call.written).toEqual([{ version: expect.any(String), coherent: true, heartbeatMs: 1_000 }]);
    const [first] = call.written;

    cache.change();
    expect(call.written).toHaveLength(2);
    expect(call.written[1]!.version).not.toBe(first!.version);

    cache.change(false);
    expect(call.written[2]!.coherent).toBe(false);

    vi.advanceTimersByTime(1_000);
    expect(call.written[3]).toEqual(call.written[2]);
    watch.stop();
  });

  it('says not coherent, ever, without a cache (PRODUCT_CACHE=false)', () => {
    const watch = createProductWatch({ cache: undefined, heartbeatMs: 1_000 });
    watch.start();
    const call = fakeCall();
    watch.handle(call as never);
    expect(call.written).toEqual([{ version: '', coherent: false, heartbeatMs: 1_000 }]);
    watch.stop();
  });

  it('gives two processes different versions for the same generation', () => {
    const cache = fakeCache();
    const [one, two] = [
      createProductWatch({ cache, heartbeatMs: 1_000 }),
      createProductWatch({ cache, heartbeatMs: 1_000 }),
    ];
    const [a, b] = [fakeCall(), fakeCall()];
    one.handle(a as never);
    two.handle(b as never);
    expect(a.written[0]!.version).not.toBe(b.written[0]!.version);
  });

  it('forgets a stream its reader cancelled, and ends the others on stop, and any opened after', () => {
    const cache = fakeCache();
    const watch = createProductWatch({ cache, heartbeatMs: 1_000 });
    watch.start();
    const [gone, open] = [fakeCall(), fakeCall()];
    watch.handle(gone as never);
    watch.handle(open as never);
    gone.emit('cancelled');
    expect(watch.watchers).toBe(1);

    watch.stop();
    expect(open.ended).toBe(true);
    expect(gone.ended).toBe(false);
    expect(watch.watchers).toBe(0);
    cache.change();
    expect(open.written).toHaveLength(1);

    const late = fakeCall();
    watch.handle(late as never);
    expect(late.ended).toBe(true);
    expect(late.written).toEqual([]);
  });
});
