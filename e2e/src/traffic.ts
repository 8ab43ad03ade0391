// Steady traffic through the gateway while a test breaks something underneath: a few workers call the given
// requests in turn, back to back, and every answer is recorded with when it started and how long it took.
import type { ApiClient, ApiResponse } from './http-client.js';

export interface TrafficRequest {
  /** A name for reports, e.g. 'catalog read'. */
  name: string;
  call: (api: ApiClient) => Promise<ApiResponse>;
}

export interface Answer {
  request: string;
  /** When the request was sent, in ms since the traffic began. */
  at: number;
  ms: number;
  /** 0 when no HTTP answer came at all (the gateway itself unreachable). */
  status: number;
  retryAfter: string | null;
  contentType: string | null;
}

export interface Traffic {
  readonly answers: readonly Answer[];
  /** ms since the traffic began, to mark events on the same clock. */
  now(): number;
  stop(): Promise<void>;
}

export interface TrafficOptions {
  workers?: number;
  /** Each worker's pause between two requests, to stay under the gateway's rate limit on a long run. */
  pauseMs?: number;
}

export function startTraffic(api: ApiClient, requests: TrafficRequest[], options: TrafficOptions = {}): Traffic {
  const { workers = 3, pauseMs = 0 } = options;
  const began = performance.now();
  const now = () => performance.now() - began;
  const answers: Answer[] = [];
  let stopped = false;
  const worker = async (offset: number) => {
    for (let i = offset; !stopped; i++) {
      const request = requests[i % requests.length]!;
      const at = now();
      let answer: ApiResponse | undefined;
      try {
        answer = await request.call(api);
      } catch {
        answer = undefined;
      }
      answers.push({
        request: request.name,
        at,
        ms: now() - at,
        status: answer?.status ?? 0,
        retryAfter: answer?.headers.get('retry-after') ?? null,
        contentType: answer?.headers.get('content-type') ?? null,
      });
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const running = Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  return {
    answers,
    now,
    async stop() {
      stopped = true;
      await running;
    },
  };
}
