// The one way a service writes a unary gRPC method: an async function of the call, whose result is the response
// and whose error becomes its status through failure-statuses.ts. What is unexpected is logged with its stack here,
// since the caller only sees INTERNAL.
import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { classifyFailure, grpcStatusOf } from './failure-statuses.js';
import { GrpcStatusError } from './grpc-status-error.js';

export type UnaryMethod = <Request, Response>(
  handle: (call: ServerUnaryCall<Request, Response>) => Promise<Response>,
) => handleUnaryCall<Request, Response>;

/** Returns `unary`, which turns `async (call) => response` into a grpc-js handler logging to `logger`. */
export function grpcUnary(logger: Logger): UnaryMethod {
  return (handle) => (call, callback) => {
    handle(call).then(
      (response) => callback(null, response),
      (error: unknown) => {
        const failure = classifyFailure(error);
        if (!failure && !(error instanceof GrpcStatusError)) logger.error({ err: error }, 'unexpected error');
        else if (failure?.kind === 'unavailable' || failure?.kind === 'deadline') {
          logger.warn({ err: error }, failure.message);
        }
        callback(grpcStatusOf(error));
      },
    );
  };
}
