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
 * Channel options for long-lived clients: keepalive so a dead peer is noticed, fast reconnects after a restart, and
 * round_robin over every address the target resolves to, so a headless Service (Kubernetes without a mesh) spreads
 * calls across its pods; one address (a ClusterIP, the mesh's sidecar, loopback) behaves as before.
 */
export const clientChannelOptions: ChannelOptions = {
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2_000,
};
