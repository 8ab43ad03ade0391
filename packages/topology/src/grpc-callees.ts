// The gRPC services a service calls, and the variables it finds them by (`<NAME>_ADDR`), as values and as types, so
// a config schema can take one address per callee of the list and its type names each one.
import { envPrefix } from './naming.js';
import type { ServiceEntry } from './service-entry.js';
import { type PlatformService, type ServiceName, services } from './services.js';

type Snake<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}_${Snake<Tail>}` : S;

/** `gift-cards` -> `GIFT_CARDS_ADDR`. */
export type AddressVariable<Name extends string> = `${Uppercase<Snake<Name>>}_ADDR`;

type EntryOf<Name extends ServiceName> = Extract<PlatformService, { name: Name }>;
type GrpcServiceName = Extract<PlatformService, { kind: 'grpc' }>['name'];

/** The names of the gRPC services `Caller` calls in the list. */
export type GrpcCalleeOf<Caller extends ServiceName> = Extract<
  EntryOf<Caller>['calls'][number]['service'],
  GrpcServiceName
>;

/** The gRPC services `caller` calls, each with the variable that gives its address. */
export function grpcCallees(
  caller: string,
  list: readonly ServiceEntry[] = services,
): { service: ServiceEntry; variable: string }[] {
  const entry = list.find((s) => s.name === caller);
  if (!entry) throw new Error(`${caller} is not in the list`);
  return entry.calls.flatMap((call) => {
    const callee = list.find((s) => s.name === call.service);
    return callee?.kind === 'grpc' ? [{ service: callee, variable: `${envPrefix(callee.name)}_ADDR` }] : [];
  });
}
