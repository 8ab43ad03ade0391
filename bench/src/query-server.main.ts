// The baseline of the uncached read path: a minimal fastify + pg server that runs the catalog's product-list query
// on every request and answers the contract's JSON, in its own process. Benchmark code only, never product code.
// usage: DATABASE_URL=postgres://... node query-server.main.js   (prints {"port": N} once listening)
import Fastify from 'fastify';
import pg from 'pg';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('query-server.main.js needs DATABASE_URL (the catalog tables)');

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: string;
  currency: string;
  stock: number;
}

// the same pool size as service-kit's default, so the baseline gets no more connections than catalog does
const pool = new pg.Pool({ connectionString, max: 10, application_name: 'bench-query-baseline' });
const app = Fastify({ logger: false });
app.get('/api/catalog/products', async () => {
  const { rows } = await pool.query<ProductRow>(
    'SELECT id, sku, name, description, price_cents, currency, stock FROM catalog.products ORDER BY sku',
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      description: row.description,
      priceCents: Number(row.price_cents),
      currency: row.currency,
      stock: row.stock,
    })),
  };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => {
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
