import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createReadiness } from './readiness.js';

describe('Readiness', () => {
  it('shares one run of a check among reports that arrive while it runs', async () => {
    let runs = 0;
    const readiness = createReadiness().add('slow', async () => {
      runs++;
      await sleep(50);
    });
    const reports = await Promise.all(Array.from({ length: 20 }, () => readiness.report()));
    expect(reports.every((report) => report.ready)).toBe(true);
    expect(runs).toBe(1);
    await readiness.report();
    expect(runs).toBe(2); // no cacheMs: the next report runs it again
  });

  it('reuses an outcome, ok or not, for cacheMs, then checks again', async () => {
    let runs = 0;
    let healthy = false;
    const readiness = createReadiness().add(
      'cached',
      async () => {
        runs++;
        if (!healthy) throw new Error('down');
      },
      { cacheMs: 200 },
    );
    for (let i = 0; i < 10; i++) expect((await readiness.report()).checks.cached).toBe('down');
    expect(runs).toBe(1);
    healthy = true;
    await sleep(250);
    expect((await readiness.report()).ready).toBe(true);
    expect(runs).toBe(2);
  });
});
