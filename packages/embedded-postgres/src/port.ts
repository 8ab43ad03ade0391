// The server's TCP port: any free one when asked for 0 (PostgreSQL cannot pick one itself and tell us), and a clear
// EADDRINUSE up front when a fixed one is taken, rather than a server that exits with it in its log.
import { createServer } from 'node:net';

function listenOnce(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

export async function choosePort(host: string, port: number): Promise<number> {
  try {
    return await listenOnce(host, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw Object.assign(new Error(`port ${port} on ${host} is in use`), { code: 'EADDRINUSE' });
  }
}
