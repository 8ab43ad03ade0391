// The error a gRPC handler's callback takes: a status code, details for the caller, and optional trailers.
import type { Metadata, status } from '@grpc/grpc-js';

/** A gRPC error with a status code, as grpc-js expects from a handler's callback. */
export class GrpcStatusError extends Error {
  override readonly name = 'GrpcStatusError';
  constructor(
    readonly code: status,
    readonly details: string,
    /** Sent as trailers with the status (grpc-js reads `metadata` off the error). */
    readonly metadata?: Metadata,
  ) {
    super(details);
  }
}
