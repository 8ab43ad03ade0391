// Public API of @platform/launcher: start the platform from code (end-to-end tests, benchmarks).
export { type LauncherConfig, LauncherConfigError, loadConfig } from './config.js';
export { type Platform, type StartPlatformOptions, serviceEnvironment, startPlatform } from './platform.js';
export { NotReadyError } from './readiness.js';
export { CLIENT_REGISTRY_FILE, clientSecretFile, type ServiceClient, secretsDirectory } from './service-secrets.js';
export {
  CONTRACT_PORTS,
  GATEWAY_URL,
  gatewayUrlFor,
  offsetPorts,
  type PlatformPorts,
  SERVICES,
  type ServiceDefinition,
  servicesFor,
} from './services.js';
