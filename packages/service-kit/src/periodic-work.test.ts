import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createPeriodicWork } from './periodic-work.js';

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'info', destination }), lines };
}

describe('createPeriodicWork', () => {
  it('runs a round at once, again after the interval, and never two at a time', async () => {
    const { logger } = recordingLogger();
    let rounds = 0;
    let concurrent = 0;
    let most = 0;
    const work = createPeriodicWork({
      name: 'sweeper',
      intervalMs: 10,
      logger,
      round: async () => {
        rounds++;
        most = Math.max(most, ++concurrent);
        await new Promise((resolve) => setTimeout(resolve, 20));
        concurrent--;
      },
    });
    expect(work.name).toBe('sweeper');
    work.start();
    work.start();
    expect(rounds).toBe(1);
    await expect.poll(() => rounds).toBeGreaterThanOrEqual(3);
    await work.stop();
    const after = rounds;
    expect(concurrent).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rounds).toBe(after);
    expect(most).toBe(1);
  });

  it('lets the round in progress finish on stop', async () => {
    const { logger } = recordingLogger();
    let finished = false;
    let release: () => void = () => {};
    const work = createPeriodicWork({
      name: 'recovery',
      intervalMs: 1_000,
      logger,
      round: async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished = true;
      },
    });
    work.start();
    const stopped = Promise.resolve(work.stop());
    expect(finished).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
  });

  it('logs a failed round (an outage at warn, anything else at error) and tries again', async () => {
    const { logger, lines } = recordingLogger();
    const failures = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new TypeError('a bug'),
    ];
    let rounds = 0;
    const work = createPeriodicWork({
      name: 'sweeper',
      intervalMs: 5,
      logger,
      round: async () => {
        const failure = failures[rounds++];
        if (failure) throw failure;
      },
    });
    work.start();
    await expect.poll(() => rounds).toBeGreaterThanOrEqual(3);
    await work.stop();
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['warn', 'sweeper: round failed'],
      ['error', 'sweeper: round failed'],
    ]);
  });
});
