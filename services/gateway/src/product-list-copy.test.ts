import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import { createLogger } from '@platform/service-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProductListCopy, type ProductListCopy, type WatchProducts } from './product-list-copy.js';

/** A WatchProducts stream as grpc-js gives it: messages, errors, end, and whether the reader cancelled it. */
class FakeStream extends EventEmitter {
  cancelled = false;
  cancel() {
    this.cancelled = true;
  }
  say(version: string, coherent = true, heartbeatMs = 1_000) {
    this.emit('data', { version, coherent, heartbeatMs });
  }
}

const logger = createLogger({ service: 'gateway', level: 'silent' });
let streams: FakeStream[];
let copy: ProductListCopy<{ n: number }>;
let fetched: number;
const fetch = async () => ({ n: ++fetched });
const current = () => streams.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers();
  streams = [];
  fetched = 0;
  const watch = (() => {
    const stream = new FakeStream();
    streams.push(stream);
    return stream;
  }) as unknown as WatchProducts;
  copy = createProductListCopy({ watch, logger, rewatchDelayMs: 1_000, unimplementedDelayMs: 30_000 });
  copy.start();
});

afterEach(() => {
  copy.stop();
  vi.useRealTimers();
});

describe('createProductListCopy', () => {
  it('asks catalog until the watch says coherent, then answers from its copy', async () => {
    expect(await copy.read(fetch)).toEqual({ n: 1 });
    expect(await copy.read(fetch)).toEqual({ n: 2 });
    current().say('v1');
    expect(copy.live).toBe(true);
    expect(copy.current()).toBeUndefined();
    expect(await copy.read(fetch)).toEqual({ n: 3 });
    expect(await copy.read(fetch)).toEqual({ n: 3 });
    expect(copy.current()).toEqual({ n: 3 });
    current().say('v1'); // a heartbeat keeps it
    expect(await copy.read(fetch)).toEqual({ n: 3 });
  });

  it('drops the copy at a new version, and keeps none while catalog is not coherent', async () => {
    current().say('v1');
    await copy.read(fetch);
    current().say('v2');
    expect(await copy.read(fetch)).toEqual({ n: 2 });
    current().say('v2', false);
    expect(copy.live).toBe(false);
    expect(copy.current()).toBeUndefined();
    expect(await copy.read(fetch)).toEqual({ n: 3 });
    expect(await copy.read(fetch)).toEqual({ n: 4 });
  });

  it('drops the copy on invalidate, and does not keep an answer fetched across it', async () => {
    current().say('v1');
    await copy.read(fetch);
    copy.invalidate();
    let release!: () => void;
    const slow = copy.read(() => new Promise<{ n: number }>((resolve) => (release = () => resolve({ n: 99 }))));
    copy.invalidate(); // a write went through while that read was on its way
    release();
    expect(await slow).toEqual({ n: 99 });
    expect(await copy.read(fetch)).toEqual({ n: 2 });
    expect(await copy.read(fetch)).toEqual({ n: 2 });
  });

  it('does not keep an answer fetched while a new version arrived', async () => {
    current().say('v1');
    let release!: () => void;
    const slow = copy.read(() => new Promise<{ n: number }>((resolve) => (release = () => resolve({ n: 99 }))));
    current().say('v2');
    release();
    await slow;
    expect(await copy.read(fetch)).toEqual({ n: 1 });
  });

  it('shares one fetch among the reads that find no copy, and not across a drop', async () => {
    current().say('v1');
    let release!: () => void;
    const slow = () => new Promise<{ n: number }>((resolve) => (release = () => resolve({ n: ++fetched })));
    const [a, b] = [copy.read(slow), copy.read(fetch)];
    copy.invalidate();
    const c = copy.read(fetch); // after the drop: a fetch of its own
    release();
    expect(await a).toEqual({ n: 2 });
    expect(await b).toEqual({ n: 2 });
    expect(await c).toEqual({ n: 1 });
    expect(await copy.read(fetch)).toEqual({ n: 1 });
  });

  it('counts two heartbeats of silence as a lost stream: drops the copy and watches again', async () => {
    current().say('v1', true, 1_000);
    await copy.read(fetch);
    vi.advanceTimersByTime(1_999);
    expect(copy.live).toBe(true);
    vi.advanceTimersByTime(1);
    expect(copy.live).toBe(false);
    expect(streams[0]!.cancelled).toBe(true);
    expect(await copy.read(fetch)).toEqual({ n: 2 });
    vi.advanceTimersByTime(1_000);
    expect(streams).toHaveLength(2);
    current().say('w1');
    expect(await copy.read(fetch)).toEqual({ n: 3 });
    expect(await copy.read(fetch)).toEqual({ n: 3 });
  });

  it('watches again a second after an error or an end, and 30 s after UNIMPLEMENTED (an older catalog)', async () => {
    current().say('v1');
    current().emit('error', Object.assign(new Error('gone'), { code: status.UNAVAILABLE }));
    expect(copy.live).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(streams).toHaveLength(2);
    current().emit('end');
    vi.advanceTimersByTime(1_000);
    expect(streams).toHaveLength(3);
    current().emit('error', Object.assign(new Error('no such method'), { code: status.UNIMPLEMENTED }));
    vi.advanceTimersByTime(29_999);
    expect(streams).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(streams).toHaveLength(4);
  });

  it('cancels its stream on stop and keeps nothing after', async () => {
    current().say('v1');
    copy.stop();
    expect(streams[0]!.cancelled).toBe(true);
    expect(copy.live).toBe(false);
    expect(await copy.read(fetch)).toEqual({ n: 1 });
    expect(await copy.read(fetch)).toEqual({ n: 2 });
    vi.advanceTimersByTime(60_000);
    expect(streams).toHaveLength(1);
  });
});
