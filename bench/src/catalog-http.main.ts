// Scenario 2's catalog: the catalog service as the platform builds it (@platform/catalog's buildApp, over the same
// database), plus an HTTP/1.1 JSON face of its product reads on its ops port (`GET /internal/products[/:id]`, the
// gateway's JSON), for the gateway of gateway-http.main.ts. Benchmark code: the platform's catalog speaks gRPC only.
// usage: node catalog-http.main.js   (its environment as the catalog's; prints {"port": N} once listening)
import { buildApp } from '@platform/catalog';
import { configSchema } from '@platform/catalog/config';
import { createLogger } from '@platform/service-kit';
import { loadConfig } from '@platform/service-kit/config';
import Type from 'typebox';

const productSchema = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    priceCents: Type.Integer(),
    currency: Type.String(),
    stock: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const config = loadConfig(configSchema, { ...process.env, HOST: '127.0.0.1', GRPC_PORT: '0', OPS_PORT: '0' });
const app = await buildApp(config, { logger: createLogger({ service: 'catalog-http', level: config.LOG_LEVEL }) });
// response schemas: serialized as fast as the gateway serializes its answers, and nothing unnamed leaves
app.http.get(
  '/internal/products',
  { schema: { response: { 200: Type.Object({ items: Type.Array(productSchema) }) } } },
  async () => ({ items: await app.products.listProducts() }),
);
app.http.get(
  '/internal/products/:id',
  { schema: { params: Type.Object({ id: Type.String({ maxLength: 100 }) }), response: { 200: productSchema } } },
  async (request) => app.products.getProduct(request.params.id),
);
const { http } = await app.listen();
process.stdout.write(`${JSON.stringify({ port: http })}\n`);
process.on('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
