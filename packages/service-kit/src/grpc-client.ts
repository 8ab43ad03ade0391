// Client-side gRPC pieces shared by every caller: a metrics interceptor and channel options that keep one channel
// per target alive and reused.
import { type ChannelOptions, InterceptingCall, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import { grpcCodeName, splitGrpcPath } from './grpc-server.js';
import type { Metrics } from './metrics.js';

export function clientMetricsInterceptor(metrics: Metrics): Interceptor {
  return (options, nextCall) => {
    const started = process.hrtime.bigint();
    const labels = splitGrpcPath(options.method_definition.path);
    return new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveStatus(status: StatusObject, nextStatus: (status: StatusObject) => void) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            metrics.observeGrpcClient({ ...labels, grpc_code: grpcCodeName(status.code) }, seconds);
            nextStatus(status);
          },
        });
      },
    });
  };
}

/**
 * The service config of every client channel: round_robin over every address the target resolves to (compose's DNS
 * gives one per replica), so calls go only to connected replicas and one that drains or restarts leaves its calls
 * to the others, where pick_first (grpc's default) sends everything to one replica and fails calls while it moves.
 * A headless Service (Kubernetes without a mesh) spreads calls across its pods the same way; a ClusterIP Service or
 * the mesh's sidecar resolve to one address, where it is pick_first by another name. `methodConfig`
 * adds per-method settings (the gateway's retry of reads).
 */
export function clientServiceConfig(methodConfig: Record<string, unknown>[] = []): string {
  return JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }], methodConfig });
}

/** Channel options for long-lived clients: keepalive so a dead peer is noticed, fast reconnects after a restart. */
export const clientChannelOptions: ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 200,
  // a restarted replica is connected to again at most a second after it listens
  'grpc.max_reconnect_backoff_ms': 1_000,
  'grpc.service_config': clientServiceConfig(),
  // ours is the only service config: no DNS TXT lookups for one
  'grpc.service_config_disable_resolution': 1,
  // a replica that came or moved (a new container, a new address) is found a second after a connection failed,
  // not after the default 30 s
  'grpc.dns_min_time_between_resolutions_ms': 1_000,
};
