// Readiness: named checks of a service's own dependencies, and the switch that turns it off once shutdown begins.
// /readyz answers on every HTTP port, the gateway's public one included, so what a hit triggers is bounded: callers
// arriving while a check runs share that run, and a check may keep its outcome for a while (`cacheMs`).

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessCheckOptions {
  /** How long an outcome (ok or not) is reused before the check runs again; 0 (default): every report runs it. */
  cacheMs?: number;
}

interface RegisteredCheck {
  check: ReadinessCheck;
  cacheMs: number;
  running?: Promise<string>;
  outcome?: { result: string; at: number };
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

export interface Readiness {
  /** Adds a check; it passes by resolving and fails by throwing (or by taking longer than the timeout). */
  add(name: string, check: ReadinessCheck, options?: ReadinessCheckOptions): Readiness;
  /** Called when shutdown begins: from then on the service reports not ready, whatever its checks say. */
  drain(): void;
  readonly isDraining: boolean;
  report(): Promise<ReadinessReport>;
}

/** Readiness with no checks yet; each check runs for at most `timeoutMs`. */
export function createReadiness(timeoutMs = 2_000): Readiness {
  const checks = new Map<string, RegisteredCheck>();
  let draining = false;

  const run = async (check: ReadinessCheck): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  };

  const outcomeOf = (registered: RegisteredCheck): Promise<string> => {
    const { outcome } = registered;
    if (outcome && performance.now() - outcome.at < registered.cacheMs) return Promise.resolve(outcome.result);
    registered.running ??= run(registered.check).then((result) => {
      registered.outcome = { result, at: performance.now() };
      registered.running = undefined;
      return result;
    });
    return registered.running;
  };

  const readiness: Readiness = {
    add(name, check, { cacheMs = 0 } = {}) {
      checks.set(name, { check, cacheMs });
      return readiness;
    },
    drain() {
      draining = true;
    },
    get isDraining() {
      return draining;
    },
    async report() {
      if (draining) return { ready: false, checks: { shutdown: 'shutting down' } };
      const entries = await Promise.all(
        [...checks].map(async ([name, registered]) => [name, await outcomeOf(registered)] as const),
      );
      return { ready: entries.every(([, result]) => result === 'ok'), checks: Object.fromEntries(entries) };
    },
  };
  return readiness;
}
