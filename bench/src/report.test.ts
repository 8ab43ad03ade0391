import { describe, expect, it } from 'vitest';
import type { ComparisonResult } from './comparison.js';
import { type BenchResults, goalsTable } from './report.js';
import { sustainableRate } from './scenarios/fixed-rate-latency.js';

const comparison = (ratio: number) => ({ subjects: [{ ratio }] }) as unknown as ComparisonResult;
const orders = (ordersPerSecond: number) => ({ ordersPerSecond }) as never;

describe('goalsTable', () => {
  it('says met or not met per goal from the run, and n/a for what was not measured', () => {
    const results = {
      storages: [
        {
          storage: 'postgresql',
          idleResidentMiB: { auth: 90, catalog: 100, orders: 100, gateway: 120 },
          uncachedRead: { comparison: comparison(0.55) },
          readPath: { comparison: comparison(0.4), peakResidentMiB: {} },
          orders: orders(200),
        },
        { storage: 'embedded', idleResidentMiB: {}, orders: orders(170) },
      ],
    } as unknown as BenchResults;
    const table = goalsTable(results).join('\n');
    expect(table).toMatch(/uncached read path .* \| 0\.55 \| \*\*not met\*\* \|/);
    expect(table).toMatch(/cached public read .* \| 0\.40 \| \*\*met\*\*, stretch \*\*not met\*\* \|/);
    expect(table).toMatch(/authenticated read .* \| n\/a \| n\/a \|/);
    expect(table).toMatch(/four services < 400 MiB idle .* \| 410\.0 MiB \| \*\*not met\*\* \|/);
    expect(table).toMatch(/embedded server >= 0\.8 .* \| 0\.85 \(170 \/ 200\) \| \*\*met\*\* \|/);
  });
});

describe('sustainableRate', () => {
  it('is half the saturated throughput in steps of 50, never under 50', () => {
    expect(sustainableRate(1_234)).toBe(600);
    expect(sustainableRate(99)).toBe(50);
  });
});
