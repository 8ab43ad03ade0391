// The gRPC methods each service serves, read from its .proto in packages/contracts, as the paths Envoy routes on
// (/<package>.<Service>/<Method>). A service's proto is platform/<name>/v1/<name>.proto, its name with _ for -.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseName } from '@platform/topology';
import { repoRoot } from './repo.js';

interface Rpc {
  path: string;
  /** `returns (stream ...)`: a call that lasts as long as both sides do. */
  streaming: boolean;
}

function rpcsOf(service: string, root: string): Rpc[] {
  const segment = databaseName(service);
  const file = join(root, 'packages/contracts/proto/platform', segment, 'v1', `${segment}.proto`);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const pkg = /^package\s+([\w.]+);/m.exec(text)?.[1] ?? '';
  const rpcs: Rpc[] = [];
  for (const block of text.matchAll(/^service\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    for (const rpc of (block[2] ?? '').matchAll(/^\s*rpc\s+(\w+)\s*\([^)]*\)\s*returns\s*\(\s*(stream\s)?/gm))
      rpcs.push({ path: `/${pkg}.${block[1]}/${rpc[1]}`, streaming: rpc[2] !== undefined });
  }
  return rpcs;
}

export function grpcMethods(service: string, root = repoRoot): string[] {
  return rpcsOf(service, root).map((rpc) => rpc.path);
}

/** The methods of `grpcMethods` whose answer is a stream, which no route may time out. */
export function streamingGrpcMethods(service: string, root = repoRoot): string[] {
  return rpcsOf(service, root)
    .filter((rpc) => rpc.streaming)
    .map((rpc) => rpc.path);
}
