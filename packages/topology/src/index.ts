// Public API of @platform/topology: the list of the platform's services and the views derived from it.

export { inCallOrder } from './call-order.js';
export { databases, type ServiceDatabase } from './databases.js';
export { type AddressVariable, type GrpcCalleeOf, grpcCallees } from './grpc-callees.js';
export { type MetricsTarget, metricsTargets } from './metrics-targets.js';
export {
  camelName,
  databaseName,
  entryPoint,
  envPrefix,
  imageName,
  moduleEntryPoint,
  packageName,
} from './naming.js';
export {
  apiRole,
  CONTRACT_PORTS,
  contractPortsOf,
  opsRole,
  type PlatformPorts,
  portIn,
  portKey,
  portsOf,
  portVariable,
} from './ports.js';
export { apiEdge, examplePath, type PublicApiRoute, publicApi } from './public-api.js';
export { type FlowCall, flowCalls, INGRESS, POSTGRES, requestFlow } from './request-flow.js';
export { type ServiceClient, serviceClients, tokenIssuer } from './service-clients.js';
export type {
  Call,
  PortRole,
  PublicRoute,
  Replicas,
  ServiceEntry,
  ServiceKind,
  ServicePorts,
} from './service-entry.js';
export { type PlatformService, type ServiceName, services } from './services.js';
export { MAX_NAME_LENGTH, nameProblem, RESERVED_NAMES, topologyProblems } from './validate.js';
export { callEnv, callVariables, type Locate, listenEnv } from './wiring.js';
