import { describe, expect, it } from 'vitest';
import { abortableSleep, createPacer } from './pacer.js';

/** A clock that moves only when the pacer sleeps. */
function fakeClock() {
  let now = 1_000;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('Pacer', () => {
  it('hands out one slot per 1/rate seconds, however many callers wait', async () => {
    const clock = fakeClock();
    const pacer = createPacer({ perSecond: 4, now: clock.now, sleep: clock.sleep });
    const signal = new AbortController().signal;
    for (let n = 0; n < 5; n++) await pacer.next(signal);
    expect(clock.slept).toEqual([250, 250, 250, 250]);
  });

  it('makes no burst of the slots nobody used', async () => {
    const clock = fakeClock();
    const pacer = createPacer({ perSecond: 10, now: clock.now, sleep: clock.sleep });
    const signal = new AbortController().signal;
    await pacer.next(signal);
    clock.advance(5_000);
    await pacer.next(signal);
    await pacer.next(signal);
    expect(clock.slept).toEqual([100]);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const waiting = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
