// The gateway's routes for the services `npm run new:service` adds: each module maps its service's public routes to
// its gRPC API with a client of its own, at the address the platform's list gives it (`<NAME>_ADDR`, config.ts).
// The generator adds a line to each list below; catalog's and orders' routes are registered in app.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Metrics } from '@platform/service-kit';
// new:service imports

export interface DownstreamRoutesOptions {
  /** host:port of the service. */
  address: string;
  /** Deadline of each call (GRPC_DEADLINE_MS). */
  deadlineMs: number;
  metrics: Metrics;
}

export interface DownstreamRoutes {
  /** The service of the list whose routes these are. */
  service: string;
  /** Registers the routes; closes its client when the gateway closes. */
  register: FastifyPluginAsyncTypebox<DownstreamRoutesOptions>;
}

export const downstreamRoutes: readonly DownstreamRoutes[] = [
  // new:service routes
];
