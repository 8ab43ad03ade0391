// What a server answers when a request never reaches fastify: the HTTP parser refused it (malformed, headers too
// large) or a timeout fired (headers or body dribbled too slowly). Fastify's default writes its own JSON shape;
// this writes the platform's RFC 9457 problem with the security headers, then closes the connection.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { SECURITY_HEADERS } from './security-headers.js';

function statusOf(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request was not received in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'The request headers are too large' };
    default:
      return { status: 400, detail: 'The request is not valid HTTP' };
  }
}

export function problemClientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  // a reset connection has nobody left to answer
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = statusOf(error.code);
  this.log.debug({ code: error.code, status }, 'client error');
  if (socket.writable) {
    const title = STATUS_CODES[status] ?? 'Error';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail });
    const headers = {
      'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      connection: 'close',
      ...SECURITY_HEADERS,
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${status} ${title}\r\n${head}\r\n${body}`);
  }
  socket.destroy(error);
}
