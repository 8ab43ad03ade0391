import { describe, expect, it } from 'vitest';
import { summarizeProfile } from './cpu-profile.js';

describe('summarizeProfile', () => {
  it('adds self time per frame, leaves idle out of the busy time and the shares', () => {
    const frame = (id: number, functionName: string, url = '') => ({
      id,
      callFrame: { functionName, url, lineNumber: 9 },
    });
    const summary = summarizeProfile({
      nodes: [
        frame(1, '(idle)'),
        frame(2, 'parse', 'file:///repo/node_modules/pg-protocol/dist/parser.js'),
        frame(3, 'handle', 'file:///repo/services/catalog/dist/app.js'),
        frame(4, '(garbage collector)'),
      ],
      samples: [1, 2, 3, 2, 4, 1],
      timeDeltas: [5000, 1000, 500, 1000, 500, 7000],
    });
    expect(summary.busyMs).toBe(3);
    expect(summary.top).toEqual([
      { frame: 'parse (pg-protocol/dist/parser.js:10)', selfMs: 2, share: 2 / 3 },
      { frame: 'handle (catalog/dist/app.js:10)', selfMs: 0.5, share: 0.5 / 3 },
      { frame: '(garbage collector)', selfMs: 0.5, share: 0.5 / 3 },
    ]);
    expect(summary.byPackage).toEqual([
      { name: 'pg-protocol', selfMs: 2, share: 2 / 3 },
      { name: 'ours: catalog', selfMs: 0.5, share: 0.5 / 3 },
      { name: '(native)', selfMs: 0.5, share: 0.5 / 3 },
    ]);
  });
});
