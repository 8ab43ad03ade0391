// Prometheus metrics with prom-client: process metrics plus RED (rate, errors, duration) for HTTP and for gRPC on
// both the server and the client side, in one registry per service.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  observeHttp(labels: { method: string; route: string; status_code: number }, seconds: number): void;
  observeGrpcServer(labels: { grpc_service: string; grpc_method: string; grpc_code: string }, seconds: number): void;
  observeGrpcClient(labels: { grpc_service: string; grpc_method: string; grpc_code: string }, seconds: number): void;
}

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const httpLabels = ['method', 'route', 'status_code'] as const;
  const grpcLabels = ['grpc_service', 'grpc_method', 'grpc_code'] as const;
  const httpCount = new Counter({
    name: 'http_server_requests_total',
    help: 'HTTP requests handled, by route, method and status.',
    labelNames: httpLabels,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route, method and status.',
    labelNames: httpLabels,
    buckets: BUCKETS,
    registers: [registry],
  });
  const grpc = (side: 'server' | 'client') => ({
    count: new Counter({
      name: `grpc_${side}_handled_total`,
      help: `gRPC calls completed on the ${side} side, by service, method and status code.`,
      labelNames: grpcLabels,
      registers: [registry],
    }),
    duration: new Histogram({
      name: `grpc_${side}_handling_seconds`,
      help: `gRPC call duration in seconds on the ${side} side, by service, method and status code.`,
      labelNames: grpcLabels,
      buckets: BUCKETS,
      registers: [registry],
    }),
  });
  const grpcServer = grpc('server');
  const grpcClient = grpc('client');

  return {
    registry,
    observeHttp(labels, seconds) {
      httpCount.inc(labels);
      httpDuration.observe(labels, seconds);
    },
    observeGrpcServer(labels, seconds) {
      grpcServer.count.inc(labels);
      grpcServer.duration.observe(labels, seconds);
    },
    observeGrpcClient(labels, seconds) {
      grpcClient.count.inc(labels);
      grpcClient.duration.observe(labels, seconds);
    },
  };
}
