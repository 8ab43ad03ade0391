// Where Prometheus scrapes each service: the port that serves its /metrics (the HTTP port, or the ops port).
import { opsRole } from './ports.js';
import type { ServiceEntry } from './service-entry.js';

export interface MetricsTarget {
  service: string;
  port: number;
}

export const metricsTargets = (list: readonly ServiceEntry[]): MetricsTarget[] =>
  list.map((s) => ({ service: s.name, port: s.ports[opsRole(s)]! }));
