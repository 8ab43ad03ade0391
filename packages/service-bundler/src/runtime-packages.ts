// The packages a service bundle leaves in node_modules and imports at run time instead of containing, each with the
// reason it cannot be inlined. Everything else a service imports (fastify, typebox, jose, our packages...) is inlined.

export const RUNTIME_PACKAGES: readonly string[] = [
  // OpenTelemetry instruments these through module-load hooks, which only see a module loaded from node_modules
  '@grpc/grpc-js',
  'pg',
  // loaded only when tracing is on (service-kit's tracing.ts): the SDK, its exporters and the ESM hook it registers
  // by name
  '@opentelemetry/*',
  'import-in-the-middle',
  // read files that lie beside their own code (a .proto, static pages, their package.json) through __dirname
  'grpc-health-check',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/view',
  // pino-pretty is required by name when a terminal asks for it; pino's transports load files in worker threads
  'pino',
  'pino-pretty',
];
