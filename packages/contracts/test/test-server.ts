// Starts a real grpc-js server on an ephemeral local port for a test, and promisifies generated unary calls.
import {
  type CallOptions,
  type Client,
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceError,
} from '@grpc/grpc-js';

export interface RunningServer {
  server: Server;
  address: string;
  close(): Promise<void>;
}

export async function startServer(register: (server: Server) => void): Promise<RunningServer> {
  const server = new Server();
  register(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return {
    server,
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

// the last overload of a generated unary method, the one TypeScript infers from
type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Calls a generated unary client method and resolves with its response (or rejects with the ServiceError). */
export function call<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata) {
  return new Promise<Res>((resolve, reject) => {
    method.call(client, request, metadata, {}, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
