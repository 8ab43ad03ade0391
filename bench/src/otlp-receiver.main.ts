// A local OTLP/HTTP receiver for the tracing scenario: accepts POST /v1/traces, counts and discards it, so spans
// really leave the services (serialised, sent) without a collector. Its own process, off the load generator's loop.
// usage: node otlp-receiver.main.js   (prints {"port": N}; answers GET /stats with what it received)
import { createServer } from 'node:http';

let exports = 0;
let bytes = 0;
const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exports, bytes }));
    return;
  }
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    if (request.url === '/v1/traces') exports++;
    const json = (request.headers['content-type'] ?? '').includes('json');
    // an empty ExportTraceServiceResponse: {} in JSON, zero bytes in protobuf
    response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    response.end(json ? '{}' : undefined);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
