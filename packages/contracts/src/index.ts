// The platform's gRPC contracts for @grpc/grpc-js: one namespace per proto package, each holding its messages,
// service definition (`XService`), server interface (`XServer`) and client constructor (`XClient`).
export * as healthV1 from './gen/grpc/health/v1/health.js';
export * as catalogV1 from './gen/platform/catalog/v1/catalog.js';
export * as ordersV1 from './gen/platform/orders/v1/orders.js';
