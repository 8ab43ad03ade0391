// One round of load at a fixed rate with the requests evenly spaced (open loop), for latency at a given throughput.
// autocannon's own rate limit sends each connection's share of a second as fast as it can and then waits for the
// next second, so its "fixed rate" is a burst at saturation every second; this paces every request instead and
// times it from when it was due, so a request that waited for a free connection counts its wait.
import { Agent, request } from 'node:http';
import type { LoadOptions, LoadTarget, RoundResult } from './load.js';
import { percentile } from './statistics.js';

export async function runPacedRound(
  target: LoadTarget,
  options: LoadOptions & { overallRate: number },
): Promise<RoundResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(target.url);
  const intervalMs = 1_000 / options.overallRate;
  const total = Math.round(options.overallRate * options.durationSeconds);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let failures = 0;
  let sent = 0;
  let settled = 0;
  const started = performance.now();

  await new Promise<void>((resolve) => {
    const send = (dueAt: number) => {
      const finish = (statusCode: number | undefined) => {
        if (statusCode !== undefined) statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
        if (statusCode !== undefined && statusCode >= 200 && statusCode < 300)
          latencies.push(performance.now() - dueAt);
        else failures++;
        if (++settled === total) resolve();
      };
      const outgoing = request(
        url,
        { method: target.method ?? 'GET', agent, headers: target.headers, timeout: 10_000 },
        (response) => {
          response.on('error', () => finish(undefined));
          response.on('end', () => finish(response.statusCode));
          response.resume();
        },
      );
      outgoing.on('error', () => finish(undefined));
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
      outgoing.end(target.body);
    };
    // every tick sends whatever has come due, so timer coarseness delays a request but never drops or bunches the rate
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) send(started + sent++ * intervalMs);
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  agent.destroy();

  const seconds = (performance.now() - started) / 1_000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    failures,
    requests: sent,
    statusCodes,
  };
}
