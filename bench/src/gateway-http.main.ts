// Scenario 2's gateway: the gateway as the platform builds it (@platform/gateway's buildApp, the same plugins and
// routes), except that its catalog reads go over HTTP/1.1 JSON (catalog-http-client.ts) to catalog-http.main.ts
// instead of over gRPC; auth and orders are the running platform's.
// usage: node gateway-http.main.js <catalog HTTP base URL>   (its environment as the gateway's; prints {"port": N})
import { buildApp } from '@platform/gateway';
import { parseConfig } from '@platform/gateway/config';
import { createLogger } from '@platform/service-kit';
import { createCatalogHttpClient } from './catalog-http-client.js';

const catalogUrl = process.argv[2];
if (!catalogUrl) throw new Error('usage: gateway-http.main.js <catalog HTTP base URL>');
const config = parseConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0' });
const catalog = createCatalogHttpClient({ baseUrl: catalogUrl, deadlineMs: config.GRPC_DEADLINE_MS });
const app = await buildApp(config, {
  logger: createLogger({ service: 'gateway-http', level: config.LOG_LEVEL }),
  catalog,
});
const { http } = await app.listen();
process.stdout.write(`${JSON.stringify({ port: http })}\n`);
process.on('SIGTERM', () => {
  Promise.all([app.close(), catalog.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
