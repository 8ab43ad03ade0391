// The baseline of the read path: a bare fastify server answering GET /api/catalog/products with the same JSON body
// the gateway serves, run as its own process so it never shares an event loop with the load generator.
// usage: node bare-server.main.js <body.json>   (prints {"port": N} once listening)
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bodyFile = process.argv[2];
if (!bodyFile) throw new Error('usage: bare-server.main.js <body.json>');
const body: unknown = JSON.parse(readFileSync(bodyFile, 'utf8'));

const app = Fastify({ logger: false });
app.get('/api/catalog/products', async () => body);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
