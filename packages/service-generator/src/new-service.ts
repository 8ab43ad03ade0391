// A new service before it is written: its name checked (well-formed, not reserved, not taken), its ports picked
// (the next free gRPC and ops ports of the list), and every name derived from it, for the templates.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  camelName,
  databaseName,
  envPrefix,
  imageName,
  nameProblem,
  packageName,
  portsOf,
  type ServiceEntry,
  services,
} from '@platform/topology';

export interface NewServiceOptions {
  name: string;
  /** A PostgreSQL database of its own, with a repository (`--no-storage`: none). */
  storage: boolean;
  /** `GET /api/<name>` through the gateway (`--no-public-route`: nobody calls it yet). */
  publicRoute: boolean;
}

/** Everything the templates and the file edits use. */
export interface NewService extends NewServiceOptions {
  /** `gift-cards` */
  name: string;
  /** `giftCards` */
  camel: string;
  /** `GiftCards` */
  pascal: string;
  /** `GIFT_CARDS`: the prefix of its variables (`GIFT_CARDS_ADDR`). */
  constant: string;
  /** `gift_cards`: its database, role and schema, and its proto package's segment. */
  snake: string;
  packageName: string;
  image: string;
  grpcPort: number;
  opsPort: number;
  /** `platform.gift_cards.v1` */
  protoPackage: string;
  /** `platform/gift_cards/v1/gift_cards.proto`, under packages/contracts/proto */
  protoFile: string;
  /** `GiftCardsService` */
  protoService: string;
  /** `giftCardsV1`: its namespace in @platform/contracts */
  contractsNamespace: string;
  /** `/api/gift-cards` */
  route: string;
}

/** Why the name cannot be a new service's here, or undefined when it can. */
export function newServiceNameProblem(
  name: string,
  repoRoot: string,
  list: readonly ServiceEntry[] = services,
): string | undefined {
  const problem = nameProblem(name);
  if (problem) return problem;
  if (list.some((s) => s.name === name)) return `"${name}" is taken: packages/topology/src/services.ts lists it`;
  for (const path of [
    `services/${name}`,
    `packages/${name}`,
    `packages/contracts/proto/platform/${databaseName(name)}`,
  ]) {
    if (existsSync(join(repoRoot, path))) return `"${name}" is taken: ${path} exists`;
  }
  const clash = list.find((s) => camelName(s.name) === camelName(name) || databaseName(s.name) === databaseName(name));
  if (clash) return `"${name}" would share its identifiers with ${clash.name}`;
  return undefined;
}

/** The next port above every port of the list in [from, to) that no service has. */
function nextPort(list: readonly ServiceEntry[], from: number, to: number): number {
  const taken = new Set(list.flatMap((s) => portsOf(s).map((p) => p.port)));
  const inRange = [...taken].filter((port) => port >= from && port < to);
  let port = inRange.length === 0 ? from : Math.max(...inRange) + 1;
  while (taken.has(port)) port += 1;
  if (port >= to) throw new Error(`no free port left from ${from} to ${to - 1}`);
  return port;
}

/** gRPC APIs take 50051 and up, ops ports 9101 and up, as the contract's services do. */
export const GRPC_PORTS = [50_051, 50_151] as const;
export const OPS_PORTS = [9_101, 9_200] as const;

export function planNewService(options: NewServiceOptions, list: readonly ServiceEntry[] = services): NewService {
  const { name } = options;
  const problem = nameProblem(name);
  if (problem) throw new Error(problem);
  const camel = camelName(name);
  const pascal = `${camel[0]?.toUpperCase()}${camel.slice(1)}`;
  const snake = databaseName(name);
  return {
    ...options,
    camel,
    pascal,
    constant: envPrefix(name),
    snake,
    packageName: packageName(name),
    image: imageName(name),
    grpcPort: nextPort(list, ...GRPC_PORTS),
    opsPort: nextPort(list, ...OPS_PORTS),
    protoPackage: `platform.${snake}.v1`,
    protoFile: `platform/${snake}/v1/${snake}.proto`,
    protoService: `${pascal}Service`,
    contractsNamespace: `${camel}V1`,
    route: `/api/${name}`,
  };
}
